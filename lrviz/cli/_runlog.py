"""``--log RUN``: the lr a run logged, against the plan (``check``) and over it (``plot``)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

from ..errors import UsageError


@dataclass(frozen=True)
class LogOptions:
    """Where the run's log is and how to read it, and what the run's numbers were (hints for the causes)."""

    log: Optional[str] = None
    log_format: Optional[str] = None
    log_columns: Optional[str] = None
    log_offset: Optional[int] = None
    curve: Optional[str] = None
    grad_accum: Optional[int] = None

    def given(self) -> bool:
        if self.log is None:
            unused = [o for o, v in (("--log-format", self.log_format), ("--log-columns", self.log_columns),
                                     ("--log-offset", self.log_offset), ("--curve", self.curve),
                                     ("--grad-accum", self.grad_accum)) if v is not None]
            if unused:
                raise UsageError(f"{unused[0]}: applies to a run's log; give it with --log RUN")
            return False
        if self.grad_accum is not None and self.grad_accum < 1:
            raise UsageError(f"--grad-accum: must be >= 1; got {self.grad_accum}")
        return True

    def verdict(self, config, world_size: int | None = None):
        """Read the log and compare it with the config's curve: a :class:`lrviz.analysis.run_vs_plan.Verdict`."""
        from ..analysis import run_plan, run_vs_plan
        from ..analysis.run_causes import Hints
        from ..logs import read_log

        plan = run_plan.from_config(config, label=self.curve)
        log = read_log(self.log, format=self.log_format, columns=self.log_columns, offset=self.log_offset)
        hints = Hints(steps_per_epoch=config.steps_per_epoch, grad_accum=self.grad_accum, world_size=world_size)
        return log, run_vs_plan.compare(plan, log, hints), hints

    def overlay(self, config, world_size: int | None = None):
        """The verdict, and what draws the logged points as markers over the plan."""
        from ..analysis.run_vs_plan import draw_markers, markers

        if config.plot.layout == "grid":
            raise UsageError("--log draws the run over one lr axes; use --layout overlay or stack")
        log, verdict, hints = self.verdict(config, world_size)
        data = markers(log, verdict, hints)

        def draw(ax, to_x):
            first = data.first_divergence
            moved = replace(data, steps=to_x(data.steps), first_divergence=None if first is None else to_x(first))
            return draw_markers(ax, moved, color=ax.xaxis.label.get_color())  # the text colour: apart from every curve

        return verdict, draw
