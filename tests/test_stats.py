"""lrviz stats: peak, final, mean, area and steps above half the peak, against the formulas."""

from __future__ import annotations

import json
import math

import pytest

import lrviz
from lrviz.scan import profile
from lrviz.analysis.stats import Stats, as_csv, as_json, table


def stats_of(name, T, **params):
    return Stats.of(name, profile(lrviz.schedule(name, total_steps=T, **params), T))


def test_cosine_area_mean_and_half_peak_from_the_formula():
    T, lr = 1000, 0.1
    values = [lr / 2 * (1 + math.cos(math.pi * t / T)) for t in range(T + 1)]
    s = stats_of("cosine", T, lr=lr)
    assert s.area == pytest.approx(math.fsum(values[:T]), rel=1e-12)
    assert s.mean == pytest.approx(math.fsum(values[:T]) / T, rel=1e-12)
    assert s.above_half == sum(v >= lr / 2 for v in values[:T])
    assert (s.peak, s.peak_step, s.final) == (lr, 0, pytest.approx(values[T - 1], rel=1e-12))  # the last update


def test_step_decay_counts_the_steps_of_its_first_plateau():
    s = stats_of("step", 900, lr=1.0, step_size=300, gamma=0.1)
    assert s.above_half == 300  # lr = 1 for t < 300, then 0.1, then 0.01
    assert s.area == pytest.approx(300 * (1 + 0.1 + 0.01))
    assert s.final == pytest.approx(0.01)  # lr(899), the last update: the drop to 0.001 at 900 comes after the run


def test_onecycle_peak_step_is_pct_start_of_the_run():
    s = stats_of("onecycle", 1000, lr=0.1, pct_start=0.25)
    assert s.peak_step == 250 and s.peak == pytest.approx(0.1)


def test_chunked_scan_equals_one_pass(monkeypatch):
    from lrviz import scan

    schedule = lrviz.schedule("cosine_restarts", lr=0.1, total_steps=5000, first_period=700)
    whole = scan.profile(schedule, 5000)
    monkeypatch.setattr(scan, "CHUNK", 333)
    chunked = scan.profile(schedule, 5000)
    assert chunked.rises == whole.rises == 7  # restarts at 700, 1400, ..., 4900
    assert chunked.area == pytest.approx(whole.area, rel=1e-12)
    assert (chunked.peak, chunked.low_step, chunked.above_half) == (whole.peak, whole.low_step, whole.above_half)


def test_table_csv_and_json_hold_the_same_numbers():
    rows = [stats_of("cosine", 100, lr=0.1), stats_of("linear", 100, lr=0.1)]
    text = table(rows)
    assert text.splitlines()[0].split()[:2] == ["curve", "peak"] and "linear" in text
    csv_lines = as_csv(rows).splitlines()
    assert csv_lines[0].startswith("curve,total_steps,peak")
    assert float(csv_lines[2].split(",")[6]) == rows[1].area
    assert json.loads(as_json(rows))[0]["area"] == rows[0].area
    # linear from 0.1 to 0 over 100 steps: sum_{t<100} 0.1 (1 - t/100) = 0.1 * 50.5
    assert rows[1].area == pytest.approx(5.05)
