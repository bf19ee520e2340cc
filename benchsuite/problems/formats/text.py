"""Reading an untrusted text instance file: bounded in memory, decoded, split into numbered lines.

Every reader of a text format goes through :func:`numbered_lines` and raises :class:`FileFormatError`, a
ValidationError whose message names the path and the line, for anything it cannot accept.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ... import _checks
from ...errors import ValidationError
from ..hypergraph import MAX_VARIABLES

BYTES_PER_FILE_BYTE = 64  # peak memory of parsing, per byte of the file: Python ints and lists of tokens
VARIABLES_PER_FILE_BYTE = 8  # a header may declare unused variables, up to this many per byte of its file...
FREE_VARIABLES = 1 << 16  # ... or this many, whichever is larger


class FileFormatError(ValidationError):
    """A file could not be read as the format it claims; the message names the path and the line."""

    def __init__(self, path: Path, line: int | None, message: str):
        where = f"{path}, line {line}" if line is not None else str(path)
        super().__init__("path", f"{where}: {message}")
        self.line = line


def existing_file(path) -> Path:
    """``path`` as a Path to a readable regular file (ValidationError naming ``path`` otherwise)."""
    if not isinstance(path, str | Path):
        raise ValidationError("path", f"must be a file path (str or Path), got {type(path).__name__}")
    path = Path(path)
    if not path.is_file():
        what = "is a directory" if path.is_dir() else "is not a regular file" if path.exists() else "no such file"
        raise ValidationError("path", f"{path}: {what}")
    return path


def numbered_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number from 1, stripped line) of every non-blank line of a UTF-8 text file, after checking that
    parsing it fits in memory; binary content is a FileFormatError naming the first bad line."""
    size = path.stat().st_size
    _checks.affordable("path", BYTES_PER_FILE_BYTE * size, f"parsing {path} ({size} bytes)")
    raw = path.read_bytes()
    if b"\0" in raw:
        raise FileFormatError(path, raw[: raw.index(b"\0")].count(b"\n") + 1, "holds a NUL byte: not a text file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileFormatError(path, raw[: exc.start].count(b"\n") + 1, "is not UTF-8 text") from None
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if line:
            yield number, line


def integers(path: Path, number: int, tokens: list[str], what: str) -> list[int]:
    """The tokens of line ``number`` as Python ints (FileFormatError naming the line and ``what`` otherwise)."""
    try:
        return [int(token) for token in tokens]
    except ValueError:
        bad = next(t for t in tokens if not _is_integer(t))
        raise FileFormatError(path, number, f"{what}: {bad[:40]!r} is not an integer") from None


def _is_integer(token: str) -> bool:
    try:
        int(token)
    except ValueError:
        return False
    return True


def variable_limit(path: Path) -> int:
    """The most variables a header of this file may declare: the data must back what is allocated, and every
    variable used takes at least two bytes ("1 "), so a file declaring many more than it could use is refused."""
    return min(MAX_VARIABLES, max(FREE_VARIABLES, VARIABLES_PER_FILE_BYTE * path.stat().st_size))


def header_count(path: Path, number: int, token: str, what: str, low: int, high: int) -> int:
    """A count from a header line, in [low, high]."""
    (value,) = integers(path, number, [token], what)
    if not low <= value <= high:
        raise FileFormatError(path, number, f"{what} {value} is outside [{low}, {high}]")
    return value
