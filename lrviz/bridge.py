"""From a plotted schedule to a training loop: what was drawn is what trains.

``to_callable`` gives a plain ``step -> lr`` function with no dependency;
``to_torch`` a ``torch.optim.lr_scheduler.LambdaLR`` whose lrs are lrviz's
values exactly (torch is imported only inside it).

Both take a :class:`~lrviz.Schedule`, a registered name with parameters
(``to_callable("cosine", lr=0.1, total_steps=1000)``), a ``{name, params}``
mapping, or a config path / :class:`~lrviz.spec.Config` with one schedule (or
``label=`` to pick one).
"""

from __future__ import annotations

import os
from typing import Any, Callable, Mapping

import numpy as np

from .errors import ParameterError
from .schedules._base import Schedule


def resolve(source: Any, *, label: str | None = None, **params: Any) -> Schedule:
    """The Schedule that ``source`` (a Schedule, name, ``{name, params}``, config path or Config) stands for."""
    from . import schedule as build_named
    from .spec import Config

    if isinstance(source, Schedule):
        if params or label:
            raise ParameterError("source", "a Schedule is already built: give no parameters or label with it")
        return source
    if isinstance(source, Mapping):
        if "name" not in source:
            raise ParameterError("source", f"a mapping needs a 'name' (and 'params'); got keys {sorted(source)}")
        return build_named(source["name"], **{**dict(source.get("params") or {}), **params})
    if isinstance(source, (str, os.PathLike)) and (str(source).endswith((".yaml", ".yml")) or os.path.isfile(source)):
        from .sources import load

        source = load(os.fspath(source))
    if isinstance(source, Config):
        return _from_config(source, label)
    if isinstance(source, str):
        return build_named(source, **params)
    raise ParameterError("source", f"expected a Schedule, a schedule name, a {{name, params}} mapping or a config; "
                         f"got {type(source).__name__}")


def _from_config(config, label: str | None) -> Schedule:
    from .curves import build, labels

    built = build(config)
    names = labels([spec for spec, _ in built])
    if label is None:
        if len(built) != 1:
            raise ParameterError("label", f"the config has {len(built)} schedules; pick one with label= "
                                 f"({', '.join(map(repr, names))})")
        return built[0][1]
    for name, (_, schedule) in zip(names, built):
        if name == label:
            return schedule
    raise ParameterError("label", f"no schedule labelled {label!r}; the config has {', '.join(map(repr, names))}")


def to_callable(source: Any, *, label: str | None = None, **params: Any) -> Callable[[int], float]:
    """A plain function ``step -> lr`` (a Python float) for any training loop.

        >>> import lrviz
        >>> lr_at = lrviz.to_callable("cosine", lr=0.1, total_steps=100)
        >>> lr_at(0), lr_at(100)
        (0.1, 0.0)
    """
    schedule = resolve(source, label=label, **params)

    def lr_at(step: int) -> float:
        return float(schedule(step))

    lr_at.__doc__ = f"lr of {schedule!r} at an integer step >= 0"
    lr_at.schedule = schedule  # type: ignore[attr-defined]
    return lr_at


def to_torch(source: Any, optimizer: Any, *, label: str | None = None, last_epoch: int = -1, **params: Any):
    """A ``torch.optim.lr_scheduler.LambdaLR`` that sets exactly lrviz's lr, and its momentum if it cycles one.

    Call ``scheduler.step()`` after each ``optimizer.step()``, as usual: update
    ``t + 1`` then uses ``lr(t)``. To make the lr exact (not ``base * lr(t) /
    base`` with its rounding), every param group's ``initial_lr`` is set to
    1.0 and the lambda returns lrviz's lr itself; the optimizer's own ``lr`` is
    overwritten with ``lr(0)``.

    A schedule that cycles momentum (onecycle, cyclic) sets it as torch's
    OneCycleLR and CyclicLR do, with every lr: ``momentum`` for an optimizer
    that has one (SGD, RMSprop), beta1 of ``betas`` for Adam, AdamW and the
    like (beta2 kept). An optimizer with neither is refused, as torch refuses
    it; build the schedule with ``cycle_momentum=False`` to schedule the lr only.

    ``last_epoch`` resumes a run as LambdaLR does: give the last step done.
    """
    import torch  # noqa: F401  (imported here only: torch is not a dependency of lrviz)
    from torch.optim.lr_scheduler import LambdaLR

    schedule = resolve(source, label=label, **params)
    cycled = _momentum_setter(schedule, optimizer)
    if last_epoch == -1:
        for group in optimizer.param_groups:
            group["initial_lr"] = 1.0
    else:
        for group in optimizer.param_groups:
            if group.get("initial_lr") != 1.0:
                raise ParameterError("last_epoch", "resume with the optimizer of a run scheduled by lrviz.to_torch "
                                     "(its param groups' initial_lr is 1.0)")

    def factor(step: int) -> float:
        return float(schedule(step))

    if cycled is None:
        return LambdaLR(optimizer, factor, last_epoch=last_epoch)

    class CycledLambdaLR(LambdaLR):
        """LambdaLR that also sets the momentum (or beta1) of update ``last_epoch + 1`` at every step."""

        def step(self, epoch=None):  # noqa: D102  (torch's signature)
            super().step() if epoch is None else super().step(epoch)
            cycled(self.last_epoch)

    return CycledLambdaLR(optimizer, factor, last_epoch=last_epoch)


def _momentum_setter(schedule: Schedule, optimizer: Any):
    """The function setting the momentum of step t on every param group, or None when the schedule has none."""
    if not schedule.has_momentum:
        return None
    defaults = getattr(optimizer, "defaults", {})
    if "betas" in defaults:
        def set_beta1(t: int) -> None:
            m = float(schedule.momentum_at(np.array([t], dtype=np.int64))[0])
            for group in optimizer.param_groups:
                group["betas"] = (m, *tuple(group["betas"])[1:])
        return set_beta1
    if "momentum" in defaults:
        def set_momentum(t: int) -> None:
            m = float(schedule.momentum_at(np.array([t], dtype=np.int64))[0])
            for group in optimizer.param_groups:
                group["momentum"] = m
        return set_momentum
    raise ParameterError("optimizer", f"{schedule.name} cycles momentum, and {type(optimizer).__name__} has neither "
                         "momentum nor betas (torch's OneCycleLR refuses it: 'optimizer must support momentum or beta1 "
                         "with `cycle_momentum` option enabled'); give the schedule cycle_momentum=False")
