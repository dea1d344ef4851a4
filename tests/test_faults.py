"""A run killed in the middle (SIGINT, SIGTERM) leaves the previous file intact and no temporary files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

OLD = b"the previous figure"


def start(tmp_path):
    target = tmp_path / "figure.svg"
    target.write_bytes(OLD)
    args = [sys.executable, "-m", "lrviz", "compare", "noisy_linear_cosine", "cosine_restarts", "--steps", "2000000",
            "-o", str(target)]
    return target, subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_for_temporary_file(folder, proc, timeout=60.0) -> bool:
    """Poll until lrviz's temporary output file exists (the write has begun)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end and proc.poll() is None:
        if any(name.endswith(".tmp") for name in os.listdir(folder)):
            return True
        time.sleep(0.0005)
    return False


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_run_killed_while_writing_keeps_the_previous_file_and_no_temporary_file(tmp_path, sig):
    target, proc = start(tmp_path)
    caught = wait_for_temporary_file(tmp_path, proc)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert caught, "the run ended before its write could be interrupted"
    assert proc.returncode in (130, 128 + sig), (proc.returncode, err)
    assert b"Traceback" not in err
    assert target.read_bytes() == OLD
    assert sorted(os.listdir(tmp_path)) == ["figure.svg"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_a_run_killed_while_computing_keeps_the_previous_file(tmp_path):
    target, proc = start(tmp_path)
    time.sleep(0.3)  # starting, importing or evaluating: nothing written yet
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    # -SIGTERM: the signal came before lrviz installed its handler (a loaded machine starts slowly)
    assert proc.returncode in (0, 128 + signal.SIGTERM, -signal.SIGTERM) and b"Traceback" not in err
    assert sorted(os.listdir(tmp_path)) == ["figure.svg"]
    data = target.read_bytes()
    assert data == OLD or (proc.returncode == 0 and data.rstrip().endswith(b"</svg>"))
