"""The print files of a job: one open file per stream, a new one at the
profile's size limits, each finished with its fonts and trailer, hashed as
it is written, and given a JDF ticket."""
from __future__ import annotations

import hashlib
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from .. import _native
from ..fontsubset import embed_cff_subsets
from .jdf import Media, sheet_runs, write_jdf
from .profile import Profile


class HashingFile:
    """A file that hashes what is written to it, so the report's sha256 costs no second read."""

    def __init__(self, path: Path):
        self._file = open(path, "wb", buffering=1 << 20)
        self._digest = hashlib.sha256()

    def write(self, data) -> int:
        self._digest.update(data)
        return self._file.write(data)

    def close(self) -> None:
        self._file.close()

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


@dataclass
class PrintFile:
    """One print file of a stream: its writer and what went into it."""
    stream: str
    name: str
    path: Path
    writer: object
    sink: object
    pieces: int = 0
    pages: int = 0
    sheet_stocks: list = field(default_factory=list)   # arrays of stock indices per sheet
    sheet_pps: list = field(default_factory=list)      # arrays of pages per sheet
    sha256: str = ""


class PrintFiles:
    """The files of a job, in the order they were finished (`closed`)."""

    def __init__(self, *, profile: Profile, plan, fonts, out_dir: Path, job_id: str, prefix: str,
                 compression: int, threads: int, make_afp_writer=None):
        """make_afp_writer: a callable making the AFP writer of a new file,
        for a profile whose print files are AFP (output.format: afp)."""
        self.profile, self.plan, self.fonts = profile, plan, fonts
        self.make_afp_writer = make_afp_writer
        self.out_dir, self.job_id, self.prefix = out_dir, job_id, prefix
        self.compression, self.threads = compression, threads
        self.open: dict[str, PrintFile] = {}
        self.retired: list[PrintFile] = []   # full, to be closed once written
        self.closed: list[PrintFile] = []
        self.file_numbers: Counter = Counter()

    def room(self, print_file: PrintFile, pages: np.ndarray) -> int:
        """How many of these pieces still go into the file; an empty file takes
        at least one, however big, so that every piece has a file."""
        limit = len(pages)
        if self.profile.max_pieces_per_file:
            limit = min(limit, self.profile.max_pieces_per_file - print_file.pieces)
        if self.profile.max_pages_per_file:
            room = self.profile.max_pages_per_file - print_file.pages
            limit = min(limit, int(np.searchsorted(np.cumsum(pages), room, side="right")))
        if limit <= 0 and print_file.pieces == 0:
            return 1
        return max(limit, 0)

    def current(self, stream: str, pending_pages: np.ndarray) -> PrintFile:
        """The stream's open file, a new one when the pending pieces (their
        page counts) cannot start in it; the full one goes to `retired`, for
        the writer to close after its last pages."""
        current = self.open.get(stream)
        if current is not None and self.room(current, pending_pages) == 0:
            del self.open[stream]
            self.retired.append(current)
            current = None
        if current is None:
            self.file_numbers[stream] += 1
            suffix = "afp" if self.make_afp_writer is not None else "pdf"
            name = f"{self.prefix}{stream}-{self.file_numbers[stream]:03d}.{suffix}"
            path = self.out_dir / name
            if self.make_afp_writer is not None:
                writer = self.make_afp_writer()
            else:
                writer = _native.PdfWriter(self.plan, self.compression,
                                           title=f"{self.job_id} {stream}", producer="pressrun",
                                           deflate_threads=self.threads)
            current = PrintFile(stream=stream, name=name, path=path, writer=writer,
                                 sink=HashingFile(path.with_name(name + ".partial")))
            self.open[stream] = current
        return current

    def close(self, print_file: PrintFile) -> None:
        writer = print_file.writer
        if self.make_afp_writer is None:
            embed_cff_subsets(writer, self.fonts)
        writer.finish()
        writer.write_output(print_file.sink)
        print_file.sink.close()
        print_file.sha256 = print_file.sink.hexdigest()
        os.replace(print_file.path.with_name(print_file.name + ".partial"), print_file.path)
        print_file.writer = None
        self.closed.append(print_file)

    def close_all(self) -> None:
        for print_file in list(self.open.values()):
            self.close(print_file)
        self.open.clear()

    def abandon(self) -> None:
        """After a failure: the open files are removed, so that nothing that
        looks like a finished print file is left behind."""
        for print_file in [*self.open.values(), *self.retired]:
            if print_file.writer is not None:
                print_file.sink.close()
                print_file.path.with_name(print_file.name + ".partial").unlink(missing_ok=True)
        self.open.clear()

    def write_tickets(self, manifest: pa.Table) -> None:
        """A JDF job ticket beside each print file: the media of every page range."""
        profile = self.profile
        media = [Media(name=s.name, width_pt=s.width_pt, height_pt=s.height_pt, weight_gsm=s.weight_gsm,
                       preprinted=s.preprinted, media_type=s.media_type, colour=s.colour)
                 for s in profile.stocks.values()]
        stock_names = np.array(list(profile.stocks), object)
        tray_names = np.array([profile.tray_of(s) for s in profile.stocks], object)
        file_column = manifest.column("file").to_numpy(zero_copy_only=False) if manifest.num_rows else np.array([])
        for print_file in self.closed:
            stocks = np.concatenate(print_file.sheet_stocks) if print_file.sheet_stocks else np.zeros(0, np.int64)
            pps = np.concatenate(print_file.sheet_pps) if print_file.sheet_pps else np.zeros(0, np.int64)
            runs = sheet_runs(stock_names[stocks], tray_names[stocks], pps, pps == 2)
            write_jdf(print_file.path.with_suffix(".jdf"), job_id=self.job_id,
                      job_part=print_file.path.stem, pdf_name=print_file.name, media=media, runs=runs,
                      pages=print_file.pages, pieces=int((file_column == print_file.name).sum()),
                      description=f"{profile.name}: stream {print_file.stream}",
                      mime_type="application/vnd.ibm.modcap" if print_file.path.suffix == ".afp"
                      else "application/pdf")


