"""Reprints: chosen pieces of an earlier job recreated under a new job id,
identical in content and marks (the inserter's closed loop matches them by
the original job and piece ids), from the inputs the job recorded."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from ..errors import DataError
from .jobreport import read_job_report
from .manifest import read_manifest
from .reconcile import sha256_of


@dataclass
class ReprintSelection:
    """Pieces of an earlier job to recreate: their records (input positions,
    in the original print order) and, per piece, its original number and
    sequence, so content and marks come out identical."""
    records: np.ndarray               # int64 input record numbers
    piece_of_first_record: dict       # record number -> piece number
    sequence_of_piece: dict           # piece number -> inserter sequence of its first sheet
    original_job_id: str

    def piece_numbers_for(self, first_records: np.ndarray) -> np.ndarray:
        return np.array([self.piece_of_first_record[int(r)] for r in first_records], dtype=np.int64)


def load_reprint(job_dir: "str | os.PathLike", pieces: Sequence[str]) -> ReprintSelection:
    """The pieces (ids, or 'first-last' ranges of ids) of an earlier job, from its manifest."""
    job_dir = Path(job_dir)
    manifest = read_manifest(job_dir / "manifest.parquet")
    ids = manifest.column("piece_id").to_pylist()
    wanted: list[int] = []
    known = {int(i) for i in ids}
    for spec in pieces:
        first, _, last = str(spec).partition("-")
        try:
            a, b = int(first), int(last or first)
        except ValueError:
            raise DataError(f"reprint: {spec!r} is not a piece id or a range like 00000012-00000020") from None
        chosen = [k for k in range(a, b + 1) if k in known]
        if not chosen:
            raise DataError(f"reprint: no piece {spec} in {job_dir / 'manifest.parquet'}")
        wanted.extend(chosen)
    wanted_set = set(wanted)
    records, first_of, sequence = [], {}, {}
    record_lists = manifest.column("record_ids").to_pylist()
    sequences = manifest.column("sequence").to_pylist()
    job_ids = manifest.column("job_id").to_pylist()
    for piece_id, record_ids, seq in zip(ids, record_lists, sequences):
        number = int(piece_id)
        if number in wanted_set:
            records.extend(record_ids)
            first_of[record_ids[0]] = number
            sequence[number] = seq
    return ReprintSelection(records=np.array(records, np.int64), piece_of_first_record=first_of,
                            sequence_of_piece=sequence, original_job_id=job_ids[0] if job_ids else "")


def _input(job_dir: Path, inputs: dict, name: str, given: Optional[str]) -> Optional[str]:
    """The input given, else the one the job recorded; a recorded input must be unchanged."""
    recorded = inputs.get(name)
    if given is not None:
        return given
    if recorded is None:
        if name == "rules":
            return None
        raise DataError(f"reprint: the job in {job_dir} did not read its {name} from a file; "
                        f"give --{name}")
    path = Path(recorded["path"])
    if not path.is_file():
        raise DataError(f"reprint: the job's {name} {path} is gone; give --{name}")
    if sha256_of(path) != recorded["sha256"]:
        raise DataError(f"reprint: {path} changed since job {inputs.get('job_id', '')} ran "
                        f"(sha256 differs), so its pieces would not come out the same")
    return str(path)


def reprint_job(job_dir: "str | os.PathLike", pieces: Sequence[str], out_dir: "str | os.PathLike", *,
                job_id: str, data: Optional[str] = None, template: Optional[str] = None,
                profile: Optional[str] = None, rules: Optional[str] = None,
                key_fields: Sequence[str] = (), threads: Optional[int] = None):
    """Recreates `pieces` (ids or 'first-last' ranges) of the job in job_dir
    into out_dir as job `job_id`."""
    from .run import produce   # run imports ReprintSelection from here

    job_dir = Path(job_dir)
    report = read_job_report(job_dir / "report.json")
    inputs = dict(report.get("inputs") or {})
    inputs["job_id"] = report.get("job_id", "")
    data = _input(job_dir, inputs, "source", data)
    template = _input(job_dir, inputs, "template", template)
    profile = _input(job_dir, inputs, "profile", profile)
    rules = _input(job_dir, inputs, "rules", rules)
    if Path(out_dir).resolve() == job_dir.resolve():
        raise DataError("reprint: write the reprint to its own directory, not over the job")
    selection = load_reprint(job_dir, pieces)
    key_fields = tuple(key_fields) or tuple(report.get("key_fields") or ())
    return produce(data, template, profile, out_dir, rules=rules, job_id=job_id, key_fields=key_fields,
                   threads=threads, reprint=selection)
