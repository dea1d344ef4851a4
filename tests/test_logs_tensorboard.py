"""The TensorBoard reader's parts: CRC-32C, TFRecord framing, the protobuf fields, and the real readers.

CRC-32C check values are RFC 3720's (appendix B.4) and the classic
``"123456789"`` one. Event files for the encodings that the recorded files do
not cover (a double tensor, ``tensor_content``, a negative step, unpacked
floats) are written here by a small independent encoder: protobuf keys and
varints by hand, CRCs by the bit-by-bit definition. The live tests compare
with ``EventAccumulator`` and re-record with torch when those are installed.
"""

from __future__ import annotations

import os
import struct

import numpy as np
import pytest

from lrviz.logs import LogError, read_log, read_logs
from lrviz.logs._tfrecord import crc32c_python, masked_crc

LOGS = os.path.join(os.path.dirname(__file__), "golden", "logs")


def crc_bitwise(data: bytes) -> int:
    """CRC-32C straight from the definition: reflected polynomial 0x82F63B78, one bit at a time."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def masked(data: bytes) -> int:
    c = crc_bitwise(data)
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF


@pytest.mark.parametrize("data, expected", [
    (b"123456789", 0xE3069283),
    (bytes(32), 0x8A9136AA),
    (b"\xff" * 32, 0x62A8AB43),
    (bytes(range(32)), 0x46DD794E),
    (bytes(range(31, -1, -1)), 0x113FDB5C),
])
def test_crc32c_check_values(data, expected):
    assert crc32c_python(data) == expected == crc_bitwise(data)


def test_masked_crc_of_random_bytes_matches_the_definition():
    rng = np.random.default_rng(0)
    for n in (0, 1, 7, 8, 100, 1000):
        data = rng.integers(0, 256, n, dtype=np.uint8).tobytes()
        assert masked_crc(data) == masked(data)


# ---------------------------------------------------------------- a tiny independent writer


def varint(n: int) -> bytes:
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def field(number: int, wire: int, payload: bytes | int) -> bytes:
    key = varint((number << 3) | wire)
    if wire == 0:
        return key + varint(payload)  # type: ignore[arg-type]
    if wire == 2:
        return key + varint(len(payload)) + payload  # type: ignore[arg-type]
    return key + payload  # type: ignore[operator]


def event(step: int, values: list[bytes], wall: float = 1.5) -> bytes:
    summary = b"".join(field(1, 2, v) for v in values)
    return field(1, 1, struct.pack("<d", wall)) + field(2, 0, step) + field(5, 2, summary)


def simple(tag: str, x: float) -> bytes:
    return field(1, 2, tag.encode()) + field(2, 5, struct.pack("<f", x))


def tensor(tag: str, tensor_proto: bytes) -> bytes:
    meta = field(1, 2, field(1, 2, b"scalars"))
    return field(1, 2, tag.encode()) + field(9, 2, meta) + field(8, 2, tensor_proto)


def record(data: bytes) -> bytes:
    head = struct.pack("<Q", len(data))
    return head + struct.pack("<I", masked(head)) + data + struct.pack("<I", masked(data))


def write(path, events: list[bytes]) -> str:
    version = field(1, 1, struct.pack("<d", 1.0)) + field(3, 2, b"brain.Event:2")
    with open(path, "wb") as fh:
        fh.write(record(version))
        for e in events:
            fh.write(record(e))
    return str(path)


def test_every_scalar_encoding_is_read(tmp_path):
    double = field(1, 0, 2) + field(2, 2, b"") + field(6, 2, struct.pack("<d", 0.1234567890123))
    content = field(1, 0, 1) + field(2, 2, b"") + field(4, 2, struct.pack("<f", 0.25))
    unpacked = field(1, 0, 1) + field(5, 5, struct.pack("<f", 0.5))
    histogram = field(1, 2, b"weights") + field(5, 2, b"\x08\x01")  # not a scalar: skipped
    path = write(tmp_path / "events.out.tfevents.1.host", [
        event(0, [simple("lr", 0.1), histogram]),
        event(1, [tensor("lr", content)]),
        event(2, [tensor("lr", unpacked)]),
        event(3, [tensor("lr", double)]),
        event(4, [simple("loss", 3.0)]),
    ])
    log = read_log(path)
    np.testing.assert_array_equal(log.steps, [0, 1, 2, 3])
    np.testing.assert_array_equal(log.lrs, [np.float32(0.1), 0.25, 0.5, 0.1234567890123])


def test_large_steps_and_sub_runs(tmp_path):
    run = tmp_path / "run"
    (run / "train").mkdir(parents=True)
    (run / "validation").mkdir()
    write(run / "train" / "events.out.tfevents.1.host.v2", [event(2 ** 40 + k, [simple("epoch_learning_rate", 0.1)])
                                                             for k in range(3)])
    write(run / "validation" / "events.out.tfevents.1.host.v2", [event(0, [simple("epoch_loss", 1.0)])])
    (log,) = read_logs(str(run))
    assert log.series == "train/epoch_learning_rate"
    np.testing.assert_array_equal(log.steps, 2 ** 40 + 1 + np.arange(3))  # Keras rule: offset +1


def test_several_files_of_one_run_are_read_in_name_order(tmp_path):
    write(tmp_path / "events.out.tfevents.100.host", [event(k, [simple("lr", 0.1)]) for k in range(3)])
    write(tmp_path / "events.out.tfevents.200.host", [event(k, [simple("lr", 0.05)]) for k in range(3, 6)])
    log = read_log(str(tmp_path))
    np.testing.assert_array_equal(log.steps, np.arange(6))
    np.testing.assert_array_equal(log.lrs, f32([0.1] * 3 + [0.05] * 3))


def f32(values):
    return np.asarray(values, dtype=np.float32).astype(np.float64)


def test_corrupt_record_is_named(tmp_path):
    path = write(tmp_path / "events.out.tfevents.1.host", [event(k, [simple("lr", 0.1)]) for k in range(5)])
    raw = bytearray(open(path, "rb").read())
    raw[-6] ^= 0xFF  # inside the last record's data
    open(path, "wb").write(bytes(raw))
    with pytest.raises(LogError, match=r"events.out.tfevents.1.host: byte \d+: the record's CRC does not match"):
        read_log(path)


def test_a_cut_last_record_keeps_what_came_before(tmp_path):
    path = write(tmp_path / "events.out.tfevents.1.host", [event(k, [simple("lr", 0.1)]) for k in range(5)])
    raw = open(path, "rb").read()
    open(path, "wb").write(raw[:-7])
    log = read_log(path)
    np.testing.assert_array_equal(log.steps, np.arange(4))
    assert log.meta["truncated"] == [path]


def test_not_an_event_file(tmp_path):
    path = tmp_path / "events.out.tfevents.1.host"
    path.write_bytes(b"this is plain text, not a TFRecord file at all\n")
    with pytest.raises(LogError, match="the length's CRC does not match: not a TensorBoard event file"):
        read_log(str(path))


def test_no_lr_tag_lists_the_tags(tmp_path):
    path = write(tmp_path / "events.out.tfevents.1.host", [event(0, [simple("loss", 1.0), simple("acc", 0.5)])])
    with pytest.raises(LogError, match=r"no lr scalar .*the scalar tags are: loss, acc"):
        read_log(path)
    with pytest.raises(LogError, match=r"no scalar tag 'lr-SGD'"):
        read_log(path, columns="step,lr-SGD")


def test_steps_going_back_are_refused(tmp_path):
    path = write(tmp_path / "events.out.tfevents.1.host", [event(k, [simple("lr", 0.1)]) for k in (0, 1, 2, 1)])
    with pytest.raises(LogError, match=r"lr: steps go back from 2 to 1.*\(record 5\)"):
        read_log(path)


# ---------------------------------------------------------------- live: the maintained readers and writers


def test_event_accumulator_agrees_and_caps_at_10000():
    ea_module = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
    folder = os.path.join(LOGS, "torch_tb")
    capped = ea_module.EventAccumulator(folder)
    capped.Reload()
    assert len(capped.Scalars("lr")) == 10_000  # the default drops points
    full = ea_module.EventAccumulator(folder, size_guidance={ea_module.SCALARS: 0})
    full.Reload()
    events = full.Scalars("lr")
    log = read_log(folder, columns="step,lr")
    np.testing.assert_array_equal(log.steps, [e.step for e in events])
    np.testing.assert_array_equal(log.lrs, [e.value for e in events])


def test_event_accumulator_reads_the_keras_tensors_the_same():
    ea_module = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
    tensor_util = pytest.importorskip("tensorboard.util.tensor_util")
    acc = ea_module.EventAccumulator(os.path.join(LOGS, "keras_tb", "train"))
    acc.Reload()
    events = acc.Tensors("epoch_learning_rate")
    log = read_log(os.path.join(LOGS, "keras_tb"))
    np.testing.assert_array_equal(log.steps - 1, [e.step for e in events])
    np.testing.assert_array_equal(log.lrs, [float(tensor_util.make_ndarray(e.tensor_proto)) for e in events])


def test_torch_summary_writer_live(tmp_path):
    tb = pytest.importorskip("torch.utils.tensorboard")
    writer = tb.SummaryWriter(str(tmp_path))
    values = 0.1 * np.cos(np.linspace(0, 3, 10_050)) ** 2
    for k, v in enumerate(values):
        writer.add_scalar("lr-SGD", float(v), k)
        writer.add_scalar("lr-SGD-momentum", 0.9, k)
    writer.close()
    (log,) = read_logs(str(tmp_path))
    assert log.series == "lr-SGD" and len(log) == 10_050
    np.testing.assert_array_equal(log.lrs, values.astype(np.float32))
