"""Reprints: chosen pieces of an earlier job recreated under a new job id,
identical in content and marks (the inserter's closed loop matches them by
the original job and piece ids), from the inputs the job recorded."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Optional, Sequence

from ..errors import DataError
from .jobreport import read_job_report
from .run import ProductionResult, load_reprint, produce


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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
    if _sha256(path) != recorded["sha256"]:
        raise DataError(f"reprint: {path} changed since job {inputs.get('job_id', '')} ran "
                        f"(sha256 differs), so its pieces would not come out the same")
    return str(path)


def reprint_job(job_dir: "str | os.PathLike", pieces: Sequence[str], out_dir: "str | os.PathLike", *,
                job_id: str, data: Optional[str] = None, template: Optional[str] = None,
                profile: Optional[str] = None, rules: Optional[str] = None,
                key_fields: Sequence[str] = (), threads: Optional[int] = None) -> ProductionResult:
    """Recreates `pieces` (ids or 'first-last' ranges) of the job in job_dir
    into out_dir as job `job_id`."""
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
