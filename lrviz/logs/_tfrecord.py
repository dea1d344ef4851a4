"""TFRecord framing and the protobuf wire format: just enough to read TensorBoard scalars.

A TFRecord file is a sequence of records::

    uint64  length            little-endian
    uint32  masked_crc32c(length bytes)
    byte    data[length]
    uint32  masked_crc32c(data)

with ``masked(c) = ((c >> 15) | (c << 17)) + 0xa282ead8  (mod 2**32)``.

CRC-32C is the Castagnoli CRC: reflected polynomial ``0x82F63B78``, initial
value and final xor ``0xFFFFFFFF``; the check value of ``b"123456789"`` is
``0xE3069283`` (RFC 3720, B.4). Computed here with a 256-entry table, one
byte per step (about 2 MB/s in CPython: a 10 MB event file of 200,000 scalars
is checked in a few seconds); the ``google_crc32c`` or ``crc32c`` package is
used instead when it happens to be installed.

Protobuf wire format: each field is a varint key ``(number << 3) | wire_type``
then a value: wire type 0 a varint, 1 eight bytes, 2 a varint length and that
many bytes, 5 four bytes (3 and 4, groups, are not used by the messages read).
"""

from __future__ import annotations

import struct
from typing import BinaryIO, Iterator

MASK_DELTA = 0xA282EAD8
POLY = 0x82F63B78


class FormatError(Exception):
    """Bytes that are not a TFRecord or a valid protobuf message (the reader adds the file and record)."""


def _table() -> list[int]:
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ POLY if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE = _table()


def crc32c_python(data: bytes) -> int:
    """CRC-32C of ``data`` in pure Python."""
    crc = 0xFFFFFFFF
    table = _TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def _fast():
    try:
        import google_crc32c  # type: ignore[import-not-found]

        return lambda data: google_crc32c.value(bytes(data))
    except ImportError:
        pass
    try:
        import crc32c  # type: ignore[import-not-found]

        return lambda data: crc32c.crc32c(bytes(data))
    except ImportError:
        return None


crc32c = _fast() or crc32c_python


def masked_crc(data: bytes) -> int:
    c = crc32c(data)
    return (((c >> 15) | (c << 17)) + MASK_DELTA) & 0xFFFFFFFF


def records(fh: BinaryIO, *, check: bool = True) -> Iterator[tuple[int, bytes]]:
    """``(offset, data)`` of each record, streaming.

    A CRC mismatch or a record longer than the file left is a
    :class:`FormatError`; a final record cut short (a run still writing) ends
    the iteration with ``FormatError`` too, with ``truncated`` set on it, so the
    caller may keep what it read.
    """
    offset = 0
    while True:
        head = fh.read(12)
        if not head:
            return
        if len(head) < 12:
            raise _truncated(offset)
        (length,) = struct.unpack("<Q", head[:8])
        if check and struct.unpack("<I", head[8:])[0] != masked_crc(head[:8]):
            raise FormatError(f"byte {offset}: the length's CRC does not match: not a TensorBoard event file, or corrupt")
        if length > 1 << 31:
            raise FormatError(f"byte {offset}: a record of {length} bytes: not a TensorBoard event file, or corrupt")
        body = fh.read(length + 4)
        if len(body) < length + 4:
            raise _truncated(offset)
        data = body[:length]
        if check and struct.unpack("<I", body[length:])[0] != masked_crc(data):
            raise FormatError(f"byte {offset}: the record's CRC does not match: the file is corrupt")
        yield offset, data
        offset += 12 + length + 4


def _truncated(offset: int) -> FormatError:
    err = FormatError(f"byte {offset}: the last record is cut short")
    err.truncated = True  # type: ignore[attr-defined]
    return err


def varint(buf: memoryview, i: int) -> tuple[int, int]:
    """The varint at ``buf[i]`` and the index after it."""
    value = shift = 0
    while True:
        if i >= len(buf):
            raise FormatError("a varint runs past the end of its message")
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, i
        shift += 7
        if shift > 63:
            raise FormatError("a varint longer than 10 bytes")


def fields(buf: bytes | memoryview) -> Iterator[tuple[int, int, object]]:
    """``(number, wire_type, value)`` of each field: int for varints, memoryview for the others."""
    view = memoryview(buf)
    i, n = 0, len(view)
    while i < n:
        key, i = varint(view, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = varint(view, i)
        elif wire == 1:
            value, i = view[i:i + 8], i + 8
        elif wire == 2:
            length, i = varint(view, i)
            value, i = view[i:i + length], i + length
        elif wire == 5:
            value, i = view[i:i + 4], i + 4
        else:
            raise FormatError(f"wire type {wire} (field {number}) is not used by TensorBoard scalars")
        if i > n:
            raise FormatError(f"field {number} runs past the end of its message")
        yield number, wire, value


def int64(value: int) -> int:
    """A varint read as a two's-complement int64 (protobuf's int64)."""
    return value - (1 << 64) if value >= 1 << 63 else value
