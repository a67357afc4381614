"""Validation of production YAML (profiles, inserters): each error names the
key path, and, for a file, its path and line."""
from __future__ import annotations

from typing import Any, Callable, Mapping, TypeVar

from ..errors import PressrunError, ProfileError
from ..template import _error, _line_of, _relocated, _shown
from ..units import parse_length

T = TypeVar("T")

__all__ = ["checked", "fail", "known_keys", "required", "choice", "length", "shown"]

shown = _shown


def checked(build: Callable[[], T], source: str, lines: dict) -> T:
    """Runs build(); an error with a key path gets the file's name and line."""
    try:
        return build()
    except PressrunError as exc:
        if not hasattr(exc, "key_path"):
            raise
        raise _relocated(exc, source, _line_of(exc.key_path, lines)) from exc.__cause__


def fail(path: tuple, detail: str) -> ProfileError:
    return _error(path, detail, ProfileError)


def known_keys(mapping: Any, path: tuple, allowed: tuple[str, ...], what: str) -> dict:
    if not isinstance(mapping, Mapping):
        raise fail(path, f"expected a mapping ({what}), got {_shown(mapping)}")
    for key in mapping:
        if key not in allowed:
            raise fail(path + (key,), f"unknown key; allowed here: {', '.join(allowed)}")
    return dict(mapping)


def required(mapping: dict, path: tuple, key: str, hint: str) -> Any:
    if key not in mapping:
        raise fail(path, f"missing required key '{key}' ({hint})")
    return mapping[key]


def choice(value: Any, path: tuple, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise fail(path, f"expected one of {', '.join(choices)}, got {_shown(value)}")
    return value


def length(value: Any, path: tuple, *, positive: bool = False) -> float:
    """A length with its unit ('8mm', '12pt') or a number of points."""
    try:
        points = parse_length(value)
    except ValueError as exc:
        raise fail(path, str(exc)) from None
    if points < 0 or (positive and points == 0):
        raise fail(path, f"must be {'greater than zero' if positive else 'zero or more'}, "
                         f"got {_shown(value)}")
    return points
