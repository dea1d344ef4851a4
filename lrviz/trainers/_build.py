"""Build the twin a trainer config maps to, reporting its parameter errors at the config's own keys."""

from __future__ import annotations

import os
import re
from typing import Any, Mapping

from .. import registry
from ..errors import LrvizError
from ..spec import Config, ScheduleSpec
from ._doc import Document


def twin(doc: Document, name: str, params: Mapping[str, Any], *, total_steps: int, lr: float, label: str,
         keys: Mapping[str, str] | None = None) -> ScheduleSpec | None:
    """A ScheduleSpec of twin ``name`` with ``params``, checked by building it once.

    ``keys`` maps a twin parameter to the config key path it came from, so a
    refused value is reported where the user wrote it; unmapped parameters are
    reported at the schedule's own key. Returns None when the build failed
    (the problems are in ``doc.issues``).
    """
    keys = dict(keys or {})
    params = {"lr": lr, **params}
    try:
        registry.build_at(name, dict(params), registry.Context(total_steps, lr, None))
    except registry.ParameterErrors as errs:
        for err in errs.errors:
            where, exact = _where(err.param, keys)
            doc.issue(where, err.message if exact else f"{err.message} ({name}: {err.param})")
        return None
    except LrvizError as err:
        doc.issue(keys.get("", ""), str(err))
        return None
    return ScheduleSpec(name=name, params=dict(params), label=label)


def _where(param: str, keys: Mapping[str, str]) -> tuple[str, bool]:
    """The config key path of a twin's parameter error, and whether it is the exact key.

    ``params.schedule.params.gamma`` (a nested schedule) maps through
    ``keys["schedule"]``; ``schedulers[1].end`` through ``keys["schedulers"]``.
    """
    path = param.removeprefix("params.")
    if path.startswith("schedule.params.") and "schedule" in keys:
        return f"{keys['schedule']}.{path[len('schedule.params.'):]}", True
    head = re.split(r"[.\[]", path)[0]
    if head in keys:
        return keys[head] + path[len(head):], True
    return keys.get("", ""), False


def config(doc: Document, schedules: list[ScheduleSpec | None], *, total_steps: int, lr: float,
           steps_per_epoch: int | None, title: str) -> Config:
    """The Config a trainer file gives (raising every problem found first)."""
    doc.done()
    caption = " ".join(doc.notes) or None
    spe = steps_per_epoch if steps_per_epoch and steps_per_epoch >= 1 else None
    return Config(schedules=tuple(s for s in schedules if s is not None), total_steps=total_steps, lr=lr,
                  steps_per_epoch=spe, title=title, caption=caption, source=doc.source)


def base(path: str) -> str:
    return os.path.basename(path)
