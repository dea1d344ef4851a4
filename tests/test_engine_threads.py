"""Long calls shared out between threads (lrviz/schedules/_engine.py) give what one thread gives.

The engine hands runs of whole blocks to a thread pool once a call reaches
``PARALLEL_MIN`` steps. Here the block is made small and the threshold 1, so
that every registered schedule (generic and twins, at the defaults of
``lrviz compare``) runs both ways on a few thousand steps: the arrays must be
equal bit for bit, on a run of steps and on shuffled ones, through ``first(n)``,
and an error must be the same error (type and message) as in one thread.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import lrviz
from lrviz import registry
from lrviz.errors import NonFiniteLr, StepError
from lrviz.schedules import _engine as engine

T = 3000
N = 4200  # past the end: the held or periodic tail too


@pytest.fixture
def small_blocks(monkeypatch):
    monkeypatch.setattr(engine, "BLOCK", 64)
    monkeypatch.setattr(engine, "CHUNK_BLOCKS", 2)
    monkeypatch.setattr(engine, "PARALLEL_MIN", 1)

    def run(fn, threads):
        monkeypatch.setattr(engine, "THREADS", threads)
        try:
            return "value", fn()
        except Exception as error:  # noqa: BLE001 - the error is the result compared
            return "error", (type(error), str(error))

    return run


def _same(a, b):
    assert a[0] == b[0], (a, b)
    if a[0] == "error":
        assert a[1] == b[1]
    else:
        np.testing.assert_array_equal(a[1], b[1])  # NaN equals NaN here; bit-for-bit otherwise
        assert a[1].dtype == b[1].dtype and a[1].shape == b[1].shape


@pytest.mark.parametrize("name", lrviz.names())
def test_every_schedule_gives_the_same_values_on_threads(name, small_blocks):
    sched = registry.build(name, {}, total_steps=T, lr=0.1)
    t = np.arange(N)
    perm = np.random.default_rng(1).permutation(N)
    for call in (lambda: sched(t), lambda: sched(t[perm]), lambda: sched.first(N), lambda: sched.unchecked(t)):
        _same(small_blocks(call, 1), small_blocks(call, 2))


def test_threads_are_used_and_the_caller_gets_no_warning(small_blocks):
    import threading

    seen = set()
    inner = lrviz.schedule("cosine", lr=0.1, total_steps=T).kernel

    def kernel(span, out):
        seen.add(threading.current_thread().name)
        np.log(np.zeros(1))  # a warning unless the caller's errstate (ignore) is in force in the worker too
        inner(span, out)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="ignore"):
            kind, got = small_blocks(lambda: engine.evaluate(kernel, np.arange(N)), 2)
    assert kind == "value", got
    assert any(name.startswith("lrviz-eval") for name in seen)
    np.testing.assert_array_equal(got, lrviz.schedule("cosine", lr=0.1, total_steps=T)(np.arange(N)))


def test_the_error_of_the_first_failing_block_in_array_order_is_raised(small_blocks):
    # two blocks fail with different errors; the later one in the array may finish first on a thread
    def kernel(span, out):
        if span.lo >= 3000:
            raise StepError(f"late {span.lo}")
        if span.lo >= 1000:
            raise ValueError(f"early {span.lo}")
        out.fill(1.0)

    t = np.arange(N)
    one = small_blocks(lambda: engine.evaluate(kernel, t), 1)
    two = small_blocks(lambda: engine.evaluate(kernel, t), 2)
    assert one == two == ("error", (ValueError, "early 1024"))  # 1024: the first 64-step block from 1000 on


def test_a_non_finite_lr_names_the_smallest_step_on_threads(small_blocks):
    def kernel(span, out):
        out[...] = np.where((span.t == 2500) | (span.t == 700), np.nan, 0.5)

    t = np.arange(N)[::-1].copy()  # 700 comes last in the array, and is still the one named
    for threads in (1, 2):
        kind, (cls, msg) = small_blocks(lambda: engine.evaluate(kernel, t, finite=True), threads)
        assert cls is NonFiniteLr and "700" in msg


def test_a_negative_step_is_refused_on_threads(small_blocks):
    t = np.arange(N)
    t[3333] = -5
    sched = lrviz.schedule("cosine", lr=0.1, total_steps=T)
    for threads in (1, 2):
        kind, (cls, msg) = small_blocks(lambda: sched(t), threads)
        assert cls is StepError and "-5" in msg


def test_a_serial_kernel_stays_in_the_calling_thread(small_blocks):
    import threading

    seen = set()

    def kernel(span, out):
        seen.add(threading.current_thread().name)
        out.fill(0.1)

    kernel.serial = True
    small_blocks(lambda: engine.evaluate(kernel, np.arange(N)), 2)
    assert seen == {threading.current_thread().name}


def test_lrviz_threads_setting(monkeypatch):
    monkeypatch.setenv("LRVIZ_THREADS", "1")
    assert engine._threads() == 1
    monkeypatch.setenv("LRVIZ_THREADS", "3")
    assert engine._threads() == 3
    monkeypatch.setenv("LRVIZ_THREADS", "lots")  # not a count: the CPUs decide, as when unset
    monkeypatch.delenv("LRVIZ_THREADS")
    unset = engine._threads()
    monkeypatch.setenv("LRVIZ_THREADS", "lots")
    assert engine._threads() == unset >= 1
