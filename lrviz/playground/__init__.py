"""The optimizer playground: optimizers with lrviz schedules on 2-D loss surfaces.

Modules, one idea each: :mod:`.surfaces` (f and gradient), :mod:`.optimizers` (document 5's
update rules), :mod:`.run` (batched simulation, divergence), :mod:`.flow` (document 1 eq. (7)),
:mod:`.spec` (dataclasses), :mod:`.config` (YAML -> spec), :mod:`.play` (spec -> figure -> file),
:mod:`.figures` (matplotlib), :mod:`.cli` (the ``lrviz playground`` command).

Importing this package imports neither numpy nor matplotlib.
"""
