"""What the inspection commands compute, as plain data: no printing, no typer.

    stats.py      peak, final, mean, area, steps above half the peak (``lrviz stats``)
    diagnose.py   findings before training, with the step and a hint (``lrviz check``)
    sweep.py      one schedule over every combination of varied values (``lrviz sweep``)
    resume.py     the curve a resumed run follows, and the jump (``lrviz resume``)
    describe.py   a schedule's formula, parameters and equivalents (``lrviz show``)

Each module takes configs or built schedules and returns results that the CLI
formats and the API returns as they are.
"""
