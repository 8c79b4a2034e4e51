"""core.png writes valid PNG files of exactly the given pixels.

Read back here by a small independent reader of the format (chunk lengths and
CRCs, IHDR, zlib, the five row filters); tests/gui/test_png_qt.py reads them
with Qt's decoder too.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest

from gdsim.core.png import SIGNATURE, encode_png


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def read_png(data: bytes) -> np.ndarray:
    assert data[:8] == SIGNATURE
    pos, chunks = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert crc == zlib.crc32(kind + body), kind
        chunks.append((kind, body))
        pos += 12 + length
    assert [k for k, _ in chunks][0] == b"IHDR" and chunks[-1] == (b"IEND", b"")
    width, height, depth, colour, *_rest = struct.unpack(">IIBBBBB", chunks[0][1])
    assert (depth, colour) == (8, 2)
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    stride = 3 * width
    assert len(raw) == height * (stride + 1)
    out = np.zeros((height, stride), dtype=np.int64)
    for y in range(height):
        kind, row = raw[y * (stride + 1)], raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)]
        for x in range(stride):
            a = out[y, x - 3] if x >= 3 else 0
            b = out[y - 1, x] if y else 0
            c = out[y - 1, x - 3] if y and x >= 3 else 0
            predictor = (0, a, b, (a + b) // 2, _paeth(a, b, c))[kind]
            out[y, x] = (row[x] + predictor) % 256
    return out.astype(np.uint8).reshape(height, width, 3)


@pytest.mark.parametrize("shape", [(1, 1), (7, 5), (40, 33)])
def test_the_file_holds_exactly_the_pixels(shape):
    rng = np.random.default_rng(sum(shape))
    rgb = rng.integers(0, 256, size=(*shape, 3), dtype=np.uint8)
    rgb[: shape[0] // 2] = (250, 250, 250)  # flat rows, as a window has, next to noisy ones
    assert np.array_equal(read_png(encode_png(rgb)), rgb)


@pytest.mark.parametrize("bad", [np.zeros((4, 4), np.uint8), np.zeros((4, 4, 4), np.uint8),
                                 np.zeros((4, 4, 3), np.float64), np.zeros((0, 4, 3), np.uint8)])
def test_anything_but_an_rgb_picture_is_refused(bad):
    with pytest.raises(ValueError, match="uint8 picture"):
        encode_png(bad)
