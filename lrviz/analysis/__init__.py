"""What the inspection commands compute, as plain data: no printing, no typer.

Each module takes evaluated schedules (or configs) and returns results that the
CLI formats and the API returns as they are.
"""
