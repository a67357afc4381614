"""DataMatrix and QR symbols from the native core, decoded by zxing-cpp.

zxing-cpp is an independent decoder: every matrix is rendered to an image
with a quiet zone and must decode to exactly its payload, in the expected
format. Sizes and levels cover the whole range each encoder supports.
"""
from __future__ import annotations

import random
import string

import numpy as np
import pytest

from pressrun import barcodes2d, errors

zxingcpp = pytest.importorskip("zxingcpp")

pytestmark = pytest.mark.native_boundary

# DataMatrix ECC200 data capacities (codewords) of the square sizes
DM_SQUARE = [(10, 3), (12, 5), (14, 8), (16, 12), (18, 18), (20, 22), (22, 30), (24, 36),
             (26, 44), (32, 62), (36, 86), (40, 114), (44, 144), (48, 174), (52, 204),
             (64, 280), (72, 368), (80, 456), (88, 576), (96, 696), (104, 816), (120, 1050),
             (132, 1304), (144, 1558)]
DM_RECT = [((8, 18), 5), ((8, 32), 10), ((12, 26), 16), ((12, 36), 22), ((16, 36), 32),
           ((16, 48), 49)]


def _decode(matrix, fmt, module_px=4):
    image = barcodes2d.to_image(matrix, module_px=module_px)
    results = zxingcpp.read_barcodes(image, formats=fmt)
    assert len(results) == 1, f"{len(results)} symbols decoded"
    return results[0]


def _dm_payloads():
    rng = random.Random(2026)
    printable = string.ascii_letters + string.digits + " -./:#"
    payloads = [b"A", b"123456", b"JOB0042|PIECE000123|S01/03|F011|D0",
                b"0" * 20, b"12a34b56c", b"Hello, World!", b"~`!@#$%^&*()_+{}|[]\\;'\"<>?,"]
    for side, capacity in DM_SQUARE:
        # exactly full in ASCII (one codeword per character) and as digit pairs
        payloads.append("".join(rng.choice(printable.replace("0123456789", "") or "x")
                                for _ in range(capacity)).encode())
        payloads.append("".join(rng.choice(string.digits) for _ in range(2 * capacity)).encode())
    # C40 / Text encodation, up to the largest symbol, with shifted characters
    for n in [3, 6, 7, 8, 50, 301, 1000, 2334]:
        payloads.append("".join(rng.choice(string.ascii_uppercase + "  0123")
                                for _ in range(n)).encode())
        payloads.append("".join(rng.choice(string.ascii_lowercase + " ") for _ in range(n))
                        .encode())
    # C40 ending exactly at the end of the symbol (no unlatch): 10x10, 12x12
    payloads += [b"ABC", b"ABCDEF", b"abcdef"]
    payloads += [b"JOB 42 PIECE 000123 SHEET 1 OF 3 FEED 011", b"Invoice no. 2026/0042 due",
                 b"ABC\x01DEF\x1f{|}~`", b"Mixed Case With Some UPPER and lower text"]
    return payloads


DM_PAYLOADS = _dm_payloads()


@pytest.mark.parametrize("payload", DM_PAYLOADS, ids=[f"dm{i}" for i in range(len(DM_PAYLOADS))])
def test_datamatrix_decodes_with_zxing(payload):
    matrix = barcodes2d.datamatrix(payload)
    assert matrix.dtype == np.uint8 and set(np.unique(matrix)) <= {0, 1}
    result = _decode(matrix, zxingcpp.BarcodeFormat.DataMatrix)
    assert result.format == zxingcpp.BarcodeFormat.DataMatrix
    assert result.bytes == payload
    if all(byte >= 32 for byte in payload):  # zxing shows controls as <SOH>
        assert result.text == payload.decode("latin-1")


def test_datamatrix_sizes_follow_the_capacity_table():
    for side, capacity in DM_SQUARE:
        # '!' is one ASCII codeword (two C40/Text values): ASCII is chosen
        assert barcodes2d.datamatrix("!" * capacity).shape == (side, side)
        if side < 144:
            assert barcodes2d.datamatrix("!" * (capacity + 1)).shape[0] > side
    with pytest.raises(errors.NativeError, match="do not fit"):
        barcodes2d.datamatrix("!" * 1559)
    # C40 (upper case) and Text (lower case): 3 letters in 2 codewords
    assert barcodes2d.datamatrix("A" * 2334).shape == (144, 144)
    assert barcodes2d.datamatrix("ABCDEFGHI").shape == (14, 14)
    assert barcodes2d.datamatrix("ABCDEF").shape == (12, 12)
    assert barcodes2d.datamatrix("ABC").shape == (10, 10)
    with pytest.raises(errors.NativeError):
        barcodes2d.datamatrix("A" * 2335)


@pytest.mark.parametrize("shape,capacity", DM_RECT)
def test_datamatrix_rectangles_decode(shape, capacity):
    for payload in [("!" * capacity).encode(), ("R" * (3 * ((capacity - 1) // 2))).encode()]:
        matrix = barcodes2d.datamatrix(payload, shape="rectangle")
        assert matrix.shape == shape
        result = _decode(matrix, zxingcpp.BarcodeFormat.DataMatrix)
        assert result.bytes == payload


def test_datamatrix_high_bytes_use_upper_shift():
    payload = bytes(range(128, 256, 3)) + b"caf\xe9"
    result = _decode(barcodes2d.datamatrix(payload), zxingcpp.BarcodeFormat.DataMatrix)
    assert result.bytes == payload
    assert barcodes2d.datamatrix("café").shape == barcodes2d.datamatrix(b"caf\xe9").shape


def _qr_payloads():
    rng = random.Random(18004)
    payloads = [b"HELLO WORLD", b"https://example.com/pay?ref=000123&amount=42.00",
                b"0123456789", b"A", b"\x00\x01\x02\xff", "Grüße, Straße — €5".encode(),
                b"$%*+-./: ABC123"]
    for n in [1, 5, 17, 18, 32, 60, 100, 150, 200, 271, 300, 500, 1273, 2953]:
        payloads.append(bytes(rng.randrange(256) for _ in range(n)))  # byte mode incl. > 127
    for n in [1, 7, 41, 100, 300, 652, 3057, 7089]:
        payloads.append("".join(rng.choice(string.digits) for _ in range(n)).encode())
    alnum = string.digits + string.ascii_uppercase + " $%*+-./:"
    for n in [2, 25, 77, 200, 395, 4296]:
        payloads.append("".join(rng.choice(alnum) for _ in range(n)).encode())
    return payloads


QR_PAYLOADS = _qr_payloads()


@pytest.mark.parametrize("ec", ["L", "M", "Q", "H"])
@pytest.mark.parametrize("payload", QR_PAYLOADS, ids=[f"qr{i}" for i in range(len(QR_PAYLOADS))])
def test_qr_decodes_with_zxing(payload, ec):
    try:
        matrix = barcodes2d.qr(payload, ec=ec)
    except errors.NativeError:
        pytest.skip("longer than the largest symbol at this level")
    assert (matrix.shape[0] - 17) % 4 == 0 and matrix.shape[0] == matrix.shape[1]
    result = _decode(matrix, zxingcpp.BarcodeFormat.QRCode, module_px=3)
    assert result.format == zxingcpp.BarcodeFormat.QRCode
    assert result.bytes == payload
    assert result.ec_level == ec


@pytest.mark.parametrize("version", range(1, 41))
def test_qr_every_version_decodes(version):
    rng = random.Random(version)
    payload = bytes(rng.randrange(256) for _ in range(5 + version))
    for ec in "LH":
        matrix = barcodes2d.qr(payload, ec=ec, min_version=version)
        assert barcodes2d.qr_version(matrix) == version
        result = _decode(matrix, zxingcpp.BarcodeFormat.QRCode, module_px=3)
        assert result.bytes == payload


def test_qr_str_is_utf8_and_bad_arguments_raise():
    assert _decode(barcodes2d.qr("Zürich €"), zxingcpp.BarcodeFormat.QRCode).bytes == \
        "Zürich €".encode()
    with pytest.raises(ValueError):
        barcodes2d.qr("x", ec="X")
    with pytest.raises(ValueError):
        barcodes2d.qr("x", min_version=41)
    with pytest.raises(ValueError):
        barcodes2d.datamatrix("x", shape="round")
    with pytest.raises(TypeError):
        barcodes2d.qr(12345)
    with pytest.raises(errors.NativeError, match="version 40"):
        barcodes2d.qr(b"\xff" * 2954, ec="L")
    with pytest.raises(UnicodeEncodeError):
        barcodes2d.datamatrix("€")


def test_to_image_quiet_zone_and_scale():
    matrix = barcodes2d.qr("HELLO")
    image = barcodes2d.to_image(matrix, module_px=2)
    assert image.size == ((21 + 8) * 2, (21 + 8) * 2)
    image = barcodes2d.to_image(barcodes2d.datamatrix("A"), module_px=1, quiet_zone=3)
    assert image.size == (16, 16)
    pixels = np.asarray(image.convert("L"))
    assert (pixels[:3] == 255).all() and pixels[3 + 9, 3] == 0  # light margin, dark L
    with pytest.raises(ValueError):
        barcodes2d.to_image(np.zeros(5, dtype=np.uint8))
