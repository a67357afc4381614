"""`pressrun afp ...`: tools for people debugging AFP print streams."""
from __future__ import annotations

import mmap
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

import click

from . import dump as afp_dump


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def afp() -> None:
    """AFP (MO:DCA) print streams."""


@afp.command("dump")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--text", "text_only", is_flag=True,
              help="Only the text of each page (page by page, a line per baseline), for grepping.")
@click.option("--summary", is_flag=True,
              help="Counts of structured fields, pages, page groups and their TLE tags.")
@click.option("--hex-bytes", default=afp_dump.HEX_PREVIEW_BYTES, show_default=True, type=click.IntRange(0),
              help="How many bytes of undecoded data to show in hex.")
def dump_command(file: Path, text_only: bool, summary: bool, hex_bytes: int) -> None:
    """Print the structured fields, triplets and PTOCA text of FILE (any AFP).

    \b
    Each structured field: offset (hex), length, name, flags; its decoded
    content indented below. A damaged file prints everything readable, then
    an error line with the offset, and exits with status 1.
    """
    damage: list[afp_dump.AfpFormatError] = []
    with _mapped(file) as data:
        if summary:
            lines = afp_dump.summary_lines(data, damage)
        elif text_only:
            lines = afp_dump.text_lines(data, damage)
        else:
            lines = afp_dump.dump_lines(data, hex_bytes, damage)
        _write(lines)
    sys.exit(1 if damage else 0)


@contextmanager
def _mapped(file: Path) -> Iterator[bytes | mmap.mmap]:
    """The file's bytes, memory-mapped (an empty file is b'')."""
    with file.open("rb") as handle:
        if file.stat().st_size == 0:
            yield b""
            return
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        try:
            yield mapped
        finally:
            try:
                mapped.close()
            except BufferError:      # a memoryview of it is still alive in a generator
                pass


def _write(lines: Iterable[str]) -> None:
    """Writes the lines in chunks."""
    out = click.get_text_stream("stdout")
    chunk: list[str] = []
    try:
        for line in lines:
            chunk.append(line)
            if len(chunk) >= 4096:
                out.write("\n".join(chunk) + "\n")
                chunk.clear()
        if chunk:
            out.write("\n".join(chunk) + "\n")
        out.flush()
    except BrokenPipeError:              # `pressrun afp dump big.afp | head`
        sys.stderr.close()
        sys.exit(0)
