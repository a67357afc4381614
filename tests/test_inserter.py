"""Inserter profiles and per-sheet marks: OMR tracks and DataMatrix payloads.

Expected marks and payloads are worked out by hand from the track meanings,
never read back from the implementation.
"""
from __future__ import annotations

import re
import textwrap
from pathlib import Path

import numpy as np
import pytest

from pressrun.errors import ProfileError
from pressrun.production.inserter import (MatrixScheme, OmrScheme, load_inserter, matrix_payloads,
                                          omr_tracks, read_omr, track_strings)

MM = 72.0 / 25.4
GENERIC_TRACKS = ("benchmark", "eoc", "feed1", "feed2", "divert", "seq1", "seq2", "seq4", "parity", "safety")


def omr_profile(**omr) -> dict:
    settings = {"x": "5mm", "y": "100mm", "mark": {"length": "8mm", "thickness": "0.4mm"},
                "tracks": list(GENERIC_TRACKS)}
    settings.update(omr)
    return {"pressrun_inserter": 1, "name": "test-omr", "kind": "omr", "omr": settings}


def matrix_profile(payload: str, **matrix) -> dict:
    settings = {"x": "10mm", "y": "10mm", "payload": payload}
    settings.update(matrix)
    return {"pressrun_inserter": 1, "name": "test-2d", "kind": "datamatrix", "datamatrix": settings}


def marks(scheme: OmrScheme, **columns) -> list[str]:
    arrays = {name: np.asarray(values) for name, values in columns.items()}
    return track_strings(omr_tracks(scheme, **arrays), len(scheme.tracks))


def write(tmp_path: Path, text: str, name: str = "inserter.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- OMR semantics

# A 3-sheet piece (feed stations 1 and 2) then a 1-sheet piece (station 1, diverted);
# the sequence runs 6, 7, 8, 9 -> 6, 7, 0, 1 in three bits.
PIECES = dict(sheet=[1, 2, 3, 1], sheets=[3, 3, 3, 1], sequence=[6, 7, 8, 9],
              feeds=np.array([0b11, 0b11, 0b11, 0b01], dtype=np.uint8), divert=[False, False, False, True])


def test_generic_omr_tracks_by_hand():
    scheme = load_inserter("generic-omr")
    assert scheme.tracks == GENERIC_TRACKS
    # track order: benchmark eoc feed1 feed2 divert seq1 seq2 seq4 parity safety
    assert marks(scheme, **PIECES) == [
        "1000001101",  # sheet 1/3: seq 6 = 110 -> seq2, seq4; 4 marks, no parity
        "1000011111",  # sheet 2/3: seq 7 = 111; 5 marks -> parity
        "1111000011",  # sheet 3/3: eoc, feed1, feed2; seq 8 -> 0; 5 marks -> parity
        "1110110001",  # sheet 1/1: eoc, feed1, divert; seq 9 -> 1; 6 marks, no parity
    ]


def test_each_track_means_what_it_says():
    scheme = load_inserter("generic-omr")
    strings = marks(scheme, **PIECES)
    on = [{name: s[i] == "1" for i, name in enumerate(scheme.tracks)} for s in strings]
    assert all(sheet["benchmark"] and sheet["safety"] for sheet in on)
    assert [sheet["eoc"] for sheet in on] == [False, False, True, True]
    assert [sheet["feed1"] for sheet in on] == [False, False, True, True]
    assert [sheet["feed2"] for sheet in on] == [False, False, True, False]
    assert [sheet["divert"] for sheet in on] == [False, False, False, True]
    values = [sheet["seq1"] + 2 * sheet["seq2"] + 4 * sheet["seq4"] for sheet in on]
    assert values == [6, 7, 0, 1]  # wraps from 7 to 0
    assert all(s.count("1") % 2 == 0 for s in strings)


def test_odd_parity_and_boc():
    scheme = load_inserter(omr_profile(parity="odd", tracks=["benchmark", "boc", "eoc", "parity", "safety"]))
    assert scheme.parity == "odd"
    strings = marks(scheme, sheet=[1, 2, 1], sheets=[2, 2, 1], sequence=[0, 1, 2], feeds=[0, 0, 0],
                    divert=[0, 0, 0])
    # benchmark boc eoc parity safety
    assert strings == ["11001",   # first sheet: boc; 3 marks already odd
                       "10101",   # last sheet: eoc; 3 marks
                       "11111"]   # only sheet: boc and eoc; 4 marks -> parity
    assert all(s.count("1") % 2 == 1 for s in strings)


def test_sequence_per_piece_and_four_bits():
    scheme = load_inserter(omr_profile(sequence_per="piece",
                                       tracks=["benchmark", "seq1", "seq2", "seq4", "seq8", "safety"]))
    strings = marks(scheme, sheet=[1, 2, 1, 1], sheets=[2, 2, 1, 1], sequence=[14, 14, 15, 16],
                    feeds=[0] * 4, divert=[0] * 4)
    assert strings == ["101111", "101111", "111111", "100001"]  # 14 = 0111 from seq1 up, 15, 16 -> 0
    with pytest.raises(ValueError, match="stays the same within a piece"):
        marks(scheme, sheet=[1, 2], sheets=[2, 2], sequence=[0, 1], feeds=[0, 0], divert=[0, 0])


def test_blank_tracks_never_marked_and_mask_bits():
    scheme = load_inserter(omr_profile(tracks=["benchmark", "blank", "eoc", "blank", "safety"]))
    mask = omr_tracks(scheme, sheet=np.array([1, 2]), sheets=np.array([2, 2]), sequence=np.array([0, 1]),
                      feeds=np.zeros(2, np.uint8), divert=np.zeros(2, bool))
    assert mask.dtype == np.uint32
    assert mask.tolist() == [0b10001, 0b10101]
    assert track_strings(mask, 5) == ["10001", "10101"]


def test_feed_station_without_a_track_is_refused():
    scheme = load_inserter("generic-omr")
    with pytest.raises(ProfileError, match=r"sheet index 1: .*feed station\(s\) 3"):
        omr_tracks(scheme, sheet=np.array([1, 1]), sheets=np.array([1, 1]), sequence=np.array([0, 1]),
                   feeds=np.array([1, 0b101]), divert=np.array([0, 0]))
    no_divert = load_inserter(omr_profile(tracks=["benchmark", "eoc", "safety"]))
    with pytest.raises(ProfileError, match="no divert track"):
        omr_tracks(no_divert, sheet=np.array([1]), sheets=np.array([1]), sequence=np.array([0]),
                   feeds=np.array([0]), divert=np.array([True]))


def test_broken_piece_runs_are_refused():
    scheme = load_inserter("generic-omr")
    base = dict(sequence=np.arange(3), feeds=np.zeros(3, int), divert=np.zeros(3, bool))
    with pytest.raises(ValueError, match="sheet index 2: sheet 1 of 3 does not follow sheet 2 of 3"):
        omr_tracks(scheme, sheet=np.array([1, 2, 1]), sheets=np.array([3, 3, 3]), **base)
    with pytest.raises(ValueError, match="out of range"):
        omr_tracks(scheme, sheet=np.array([1, 2, 3]), sheets=np.array([2, 2, 2]), **base)
    with pytest.raises(ValueError, match="one length"):
        omr_tracks(scheme, sheet=np.array([1, 1]), sheets=np.array([1, 1]), **base)


def test_a_million_sheets():
    scheme = load_inserter("generic-omr")
    n = 1_000_000
    # pieces of 1, 2, 3 and 4 sheets, repeating: 10 sheets per cycle
    sizes = np.tile([1, 2, 3, 4], n // 10)
    sheets = np.repeat(sizes, sizes)
    starts = np.cumsum(sizes) - sizes
    sheet = np.arange(n) - np.repeat(starts, sizes) + 1
    feeds = np.repeat(np.tile(np.array([0, 1, 2, 3], np.uint8), n // 10), sizes)
    divert = np.repeat(np.tile([False, False, True, False], n // 10), sizes)
    mask = omr_tracks(scheme, sheet=sheet, sheets=sheets, sequence=np.arange(n), feeds=feeds, divert=divert)
    assert mask.shape == (n,)
    strings = track_strings(mask[-10:], len(scheme.tracks))
    # the last cycle: sheet index n-10 is a 1-sheet piece, n-9..n-8 a 2-sheet piece with feed1,
    # n-7..n-5 a 3-sheet diverted piece with feed2, n-4..n-1 a 4-sheet piece with feeds 1 and 2.
    # (n - 10) % 8 == 6, so the sequence bits run 6, 7, 0, 1, 2, 3, 4, 5, 6, 7.
    assert strings[0] == "1100001111"   # eoc; seq 6; 5 marks -> parity
    assert strings[1] == "1000011111"   # seq 7; 5 marks -> parity
    assert strings[2] == "1110000001"   # eoc feed1; seq 0; 4 marks
    assert strings[5] == "1101111011"   # eoc feed2 divert; seq 3 = 110 from seq1; 7 marks -> parity
    assert strings[9] == "1111011101"   # eoc feed1 feed2; seq 7; 8 marks
    counts = np.zeros(n, np.int64)
    for bit in range(len(scheme.tracks)):
        counts += (mask >> bit) & 1
    assert np.all(counts % 2 == 0)
    assert np.all((mask >> 1) & 1 == (sheet == sheets))  # eoc exactly on last sheets


# --------------------------------------------------------------------------- read_omr

def test_read_omr_round_trip():
    scheme = load_inserter("generic-omr")
    (string,) = marks(scheme, sheet=[3], sheets=[3], sequence=[5], feeds=[2], divert=[True])
    tops = [scheme.y_pt + i * scheme.pitch_pt + 0.8 for i, c in enumerate(string) if c == "1"]
    read = read_omr(scheme, tops)
    assert read == {"benchmark": True, "eoc": True, "feed1": False, "feed2": True, "divert": True,
                    "seq1": True, "seq2": False, "seq4": True, "parity": True, "safety": True}
    assert list(read) == list(scheme.tracks)


def test_read_omr_refuses_marks_off_the_grid():
    scheme = load_inserter("generic-omr")
    with pytest.raises(ValueError, match="not on the track grid"):
        read_omr(scheme, [scheme.y_pt + scheme.pitch_pt / 2])
    with pytest.raises(ValueError, match="not on the track grid"):
        read_omr(scheme, [scheme.y_pt + len(scheme.tracks) * scheme.pitch_pt])
    with pytest.raises(ValueError, match="not on the track grid"):
        read_omr(scheme, [scheme.y_pt - scheme.pitch_pt])


# --------------------------------------------------------------------------- geometry and loading

def test_shipped_omr_geometry():
    scheme = load_inserter("generic-omr")
    assert scheme.x_pt == pytest.approx(5 * MM)
    assert scheme.y_pt == pytest.approx(100 * MM)
    assert scheme.length_pt == pytest.approx(8 * MM)
    assert scheme.thickness_pt == pytest.approx(0.4 * MM)
    assert scheme.pitch_pt == pytest.approx(12.0)
    assert (scheme.parity, scheme.sequence_per, scheme.side) == ("even", "sheet", "front")
    x, y, w, h = scheme.clear_zone_pt
    assert (x, y) == pytest.approx((2 * MM, 97 * MM))
    assert w == pytest.approx(14 * MM)
    assert h == pytest.approx(9 * 12.0 + 0.4 * MM + 6 * MM)


def test_omr_defaults():
    profile = omr_profile(tracks=["benchmark", "eoc", "safety"])
    scheme = load_inserter(profile)
    assert scheme.pitch_pt == pytest.approx(12.0)
    assert scheme.parity == "none"
    assert scheme.clear_zone_pt[0] == pytest.approx(2 * MM)


def test_shipped_2d_geometry():
    scheme = load_inserter("generic-2d")
    assert isinstance(scheme, MatrixScheme)
    assert scheme.module_pt == pytest.approx(0.5 * MM)
    assert scheme.payload == "{job_id:6}{piece_id:8}{sheet:2}{sheets:2}{feeds:4}{divert:1}"
    # worst case 6 non-digits + 17 digits = 6 + 9 codewords = 15 -> 18x18; + 2 modules each side
    x, y, w, h = scheme.clear_zone_pt
    assert (w, h) == pytest.approx((22 * 0.5 * MM, 22 * 0.5 * MM))
    assert (x, y) == pytest.approx((scheme.x_pt - MM, scheme.y_pt - MM))
    assert scheme.x_pt + w - MM <= 210 * MM  # on an A4 page


@pytest.mark.parametrize("payload, shape, side_modules", [
    ("{piece_id:6}", "square", 10),                 # 3 codewords
    ("{piece_id:7}", "square", 12),                 # 4
    ("{job_id:23}", "square", 22),                  # 23 > 22 -> 22x22 (30)
    ("AB{sheet:2}", "square", 10),                  # 3
    ("{piece_id:8}", "rectangle", (8, 18)),         # 4
    ("{job_id:11}", "rectangle", (12, 26)),         # 11 > 10 -> 12x26
])
def test_clear_zone_follows_the_largest_symbol(payload, shape, side_modules):
    scheme = load_inserter(matrix_profile(payload, shape=shape, module="1pt", quiet_zone_modules=1))
    rows, cols = side_modules if isinstance(side_modules, tuple) else (side_modules, side_modules)
    assert scheme.clear_zone_pt == pytest.approx((10 * MM - 1, 10 * MM - 1, cols + 2, rows + 2))


def test_the_symbol_fits_its_clear_zone():
    from pressrun.barcodes2d import datamatrix

    scheme = load_inserter("generic-2d")
    side_pt = scheme.clear_zone_pt[2] - 4 * scheme.module_pt
    for job in ("ABCDEF", "123456"):
        (payload,) = matrix_payloads(scheme, job_id=job, piece_id=np.array([12345678]), sheet=np.array([1]),
                                     sheets=np.array([1]), feeds=np.array([15]), divert=np.array([True]))
        symbol = datamatrix(payload)
        assert symbol.shape[0] * scheme.module_pt <= side_pt + 1e-9
    assert datamatrix("123456" + "12345678" + "0101" + "1111" + "1").shape == (16, 16)


def test_load_by_path_name_and_dict(tmp_path):
    shipped = Path(__file__).parents[1] / "engine/pressrun/production/inserters/generic-omr.yaml"
    by_name = load_inserter("generic-omr")
    copy = write(tmp_path, shipped.read_text(encoding="utf-8"), "house.yaml")
    assert load_inserter(copy) == by_name
    assert load_inserter("house.yaml", base_dir=tmp_path) == by_name
    assert load_inserter(str(copy)) == by_name
    assert load_inserter(omr_profile()) == OmrScheme(**{**by_name.__dict__, "name": "test-omr"})
    nameless = write(tmp_path, "pressrun_inserter: 1\nkind: datamatrix\ndatamatrix: {x: 1mm, y: 1mm, "
                               "payload: '{piece_id:4}'}\n", "folder-line.yaml")
    assert load_inserter(nameless).name == "folder-line"


# --------------------------------------------------------------------------- validation

def test_bad_length_names_file_line_and_key(tmp_path):
    path = write(tmp_path, """
        pressrun_inserter: 1
        name: x
        kind: omr
        omr:
          x: 5mm
          y: 100mm
          mark:
            length: abc
            thickness: 0.4mm
          tracks: [benchmark, safety]
        """)
    with pytest.raises(ProfileError) as info:
        load_inserter(path)
    assert str(info.value).startswith(f"{path}:8: omr.mark.length: ")
    assert "'abc'" in str(info.value)


def test_unknown_key_names_it_and_lists_the_allowed(tmp_path):
    path = write(tmp_path, """
        pressrun_inserter: 1
        kind: omr
        omr:
          x: 5mm
          y: 100mm
          pich: 12pt
          mark: {length: 8mm, thickness: 1pt}
          tracks: [benchmark, safety]
        """)
    with pytest.raises(ProfileError) as info:
        load_inserter(path)
    message = str(info.value)
    assert message.startswith(f"{path}:6: omr.pich: unknown key")
    assert "pitch" in message and "clear_margin" in message


def test_unknown_track_names_its_line(tmp_path):
    path = write(tmp_path, """
        pressrun_inserter: 1
        kind: omr
        omr:
          x: 5mm
          y: 100mm
          mark: {length: 8mm, thickness: 1pt}
          tracks:
            - benchmark
            - feed9
            - safety
        """)
    with pytest.raises(ProfileError, match=rf"^{re.escape(str(path))}:9: omr\.tracks\[1\]: unknown track 'feed9'"):
        load_inserter(path)


@pytest.mark.parametrize("change, message", [
    ({"tracks": ["eoc", "benchmark", "safety"]}, r"omr\.tracks\[1\]: benchmark must be the first"),
    ({"tracks": ["benchmark", "safety", "eoc"]}, r"omr\.tracks\[1\]: safety must be the last"),
    ({"tracks": ["benchmark", "eoc", "eoc"]}, r"omr\.tracks\[2\]: track 'eoc' is listed twice"),
    ({"tracks": ["benchmark", "seq1", "seq4"]}, r"omr\.tracks\[2\]: sequence tracks .* lacks seq2"),
    ({"tracks": ["benchmark", "seq2"]}, r"omr\.tracks\[1\]: .*seq2 lacks seq1"),
    ({"tracks": ["benchmark"] + ["blank"] * 32}, r"omr\.tracks: at most 32 tracks"),
    ({"tracks": []}, r"omr\.tracks: expected a list"),
    ({"tracks": ["benchmark", "safety"], "parity": "even"}, r"omr\.parity: needs a 'parity' track"),
    ({"parity": "both"}, r"omr\.parity: expected one of even, odd"),
    ({"sequence_per": "batch"}, r"omr\.sequence_per: expected one of sheet, piece"),
    ({"pitch": "0.3mm"}, r"omr\.pitch: must be more than the mark thickness"),
    ({"mark": {"length": "8mm"}}, r"omr\.mark: missing required key 'thickness'"),
    ({"mark": {"length": "-8mm", "thickness": "1pt"}}, r"omr\.mark\.length: must be greater than zero"),
    ({"x": True}, r"omr\.x: expected a length"),
])
def test_omr_validation(change, message):
    with pytest.raises(ProfileError, match=r"^inserter \(inline\): " + message):
        load_inserter(omr_profile(**change))


@pytest.mark.parametrize("profile, message", [
    ({"pressrun_inserter": 2, "kind": "omr"}, r"pressrun_inserter: unsupported inserter format version 2"),
    ({"kind": "omr"}, r"missing required key 'pressrun_inserter'"),
    ({"pressrun_inserter": 1, "name": "a", "kind": "laser"}, r"kind: expected one of omr, datamatrix"),
    ({**omr_profile(), "side": "back"}, r"side: expected one of front"),
    ({**omr_profile(), "datamatrix": {}}, r"datamatrix: a 'datamatrix' section does not belong"),
    ({**omr_profile(), "colour": "red"}, r"colour: unknown key; allowed here: pressrun_inserter, name"),
])
def test_top_level_validation(profile, message):
    with pytest.raises(ProfileError, match=message):
        load_inserter(profile)


@pytest.mark.parametrize("payload, message", [
    ("{piece:8}", r"unknown field 'piece'"),
    ("{piece_id}", r"must be \{name:width\}"),
    ("{piece_id:0}", r"width must be 1 to 18"),
    ("{piece_id:19}", r"width must be 1 to 18"),
    ("{divert:2}", r"divert is one character"),
    ("{feeds:17}", r"width must be 1 to 16"),
    ("{sheet:2}}", r"unmatched '\}'"),
    ("caf\u00e9{sheet:2}", r"printable ASCII"),
    ("{job_id:60}", r"may need 60 codewords, more than the largest rectangle"),
])
def test_payload_validation(payload, message):
    shape = "rectangle" if "60" in payload else "square"
    with pytest.raises(ProfileError, match=r"datamatrix\.payload: .*" + message):
        load_inserter(matrix_profile(payload, shape=shape))


def test_matrix_settings_validation(tmp_path):
    path = write(tmp_path, """
        pressrun_inserter: 1
        kind: datamatrix
        datamatrix:
          x: 10mm
          y: 10mm
          module: 0.5 mm
          quiet_zone_modules: 0
          payload: "{piece_id:8}"
        """)
    with pytest.raises(ProfileError, match=rf"^{re.escape(str(path))}:7: datamatrix\.quiet_zone_modules: .*at least 1"):
        load_inserter(path)
    with pytest.raises(ProfileError, match=r"datamatrix\.shape: expected one of square, rectangle"):
        load_inserter(matrix_profile("{piece_id:8}", shape="round"))


def test_missing_files_and_names(tmp_path):
    with pytest.raises(ProfileError, match=r"'no-such-inserter': no shipped profile.*generic-2d, generic-omr"):
        load_inserter("no-such-inserter")
    with pytest.raises(ProfileError, match="cannot read inserter"):
        load_inserter(tmp_path / "absent.yaml")
    bad = write(tmp_path, "pressrun_inserter: 1\nkind: omr\nkind: datamatrix\n")
    with pytest.raises(ProfileError, match=rf"^{re.escape(str(bad))}:3: kind: duplicate key"):
        load_inserter(bad)


# --------------------------------------------------------------------------- DataMatrix payloads

def payloads(scheme, job_id="JOB042", **columns):
    defaults = dict(piece_id=[41, 41, 42], sheet=[1, 2, 1], sheets=[2, 2, 1], feeds=[0b0101, 0b0101, 0b1000],
                    divert=[False, False, True])
    defaults.update(columns)
    return matrix_payloads(scheme, job_id=job_id, **{k: np.asarray(v) for k, v in defaults.items()})


def test_generic_2d_payloads_exact():
    scheme = load_inserter("generic-2d")
    assert payloads(scheme) == [
        "JOB042" "00000041" "01" "02" "1010" "0",
        "JOB042" "00000041" "02" "02" "1010" "0",
        "JOB042" "00000042" "01" "01" "0001" "1",
    ]
    assert all(len(p) == 23 for p in payloads(scheme))


def test_literals_braces_and_sequence():
    scheme = load_inserter(matrix_profile("P{piece_id:3}/{sheet:1}of{sheets:1} {{{sequence:2}}}"))
    assert payloads(scheme, sequence=np.array([99, 100, 205])) == ["P041/1of2 {99}", "P041/2of2 {00}",
                                                                   "P042/1of1 {05}"]
    with pytest.raises(ProfileError, match="no sequence was given"):
        payloads(scheme)


def test_numbers_too_wide_name_the_piece():
    scheme = load_inserter("generic-2d")
    with pytest.raises(ProfileError, match=r"piece 123456789: piece_id 123456789 does not fit \{piece_id:8\}"):
        payloads(scheme, piece_id=[5, 5, 123456789])
    many = load_inserter(matrix_profile("{piece_id:4}{sheets:1}{sheet:1}"))
    sheet = list(range(1, 11))
    with pytest.raises(ProfileError, match=r"piece 7: sheets 10 does not fit \{sheets:1\}"):
        matrix_payloads(many, job_id="", piece_id=np.full(10, 7), sheet=np.array(sheet), sheets=np.full(10, 10),
                        feeds=np.zeros(10, int), divert=np.zeros(10, bool))
    with pytest.raises(ProfileError, match=r"piece 42: feeds 8 does not fit \{feeds:3\}"):
        payloads(load_inserter(matrix_profile("{piece_id:4}{feeds:3}")), feeds=[1, 1, 8])
    with pytest.raises(ProfileError, match=r"piece -1: piece_id -1 does not fit"):
        payloads(scheme, piece_id=[-1, -1, 2])


def test_job_id_must_fill_its_width():
    scheme = load_inserter("generic-2d")
    for job in ("JOB42", "JOB0042", "JOB\u00e942"):
        with pytest.raises(ProfileError, match=r"job_id .* exactly 6 printable ASCII"):
            payloads(scheme, job_id=job)


def test_a_million_payloads():
    scheme = load_inserter("generic-2d")
    n = 1_000_000
    pieces = np.arange(n // 2)
    out = matrix_payloads(scheme, job_id="000777", piece_id=np.repeat(pieces, 2), sheet=np.tile([1, 2], n // 2),
                          sheets=np.full(n, 2), feeds=np.repeat(pieces % 16, 2), divert=np.zeros(n, bool))
    assert len(out) == n
    assert out[0] == "000777" "00000000" "01" "02" "0000" "0"
    assert out[-1] == "000777" "00499999" "02" "02" "1111" "0"  # 499999 % 16 == 15
    assert out[23] == "000777" "00000011" "02" "02" "1101" "0"  # 11 = 1011: station 1 first
