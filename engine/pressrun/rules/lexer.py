"""Rule expressions as text -> tokens, each with its offset in the text."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..errors import RuleError

KEYWORDS = frozenset({"and", "or", "not", "in", "is", "null", "true", "false",
                      "case", "when", "then", "else", "end", "where"})
OPERATORS = ("<=", ">=", "!=", "<>", "=", "<", ">", "+", "-", "*", "/", "%", "(", ")", ",", ".")
_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "n": "\n", "t": "\t"}
_NUMBER = re.compile(r"\d+(\.\d+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class ExpressionError(RuleError):
    """A problem at one offset of an expression's text."""

    def __init__(self, detail: str, pos: int, hint: str = "") -> None:
        super().__init__(detail + hint)
        self.detail, self.pos, self.hint = detail, pos, hint

    def located(self, text: str) -> str:
        """'detail at column N; hint', or 'at line L, column N' in a multi-line text."""
        line = text.count("\n", 0, self.pos)
        column = self.pos - (text.rfind("\n", 0, self.pos) + 1) + 1
        where = f"line {line + 1}, column {column}" if "\n" in text.strip("\n") else f"column {column}"
        return f"{self.detail} at {where}{self.hint}"


@dataclass(frozen=True)
class Token:
    kind: str    # "number", "string", "name", "keyword", "op" or "eof"
    text: str    # the source text; a keyword in lower case
    value: Any   # Decimal or int for numbers, the decoded text for strings and names
    pos: int     # offset of the first character
    end: int     # offset after the last character


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
        elif char.isdigit():
            match = _NUMBER.match(text, i)
            word = match.group()
            if _NAME.match(text, match.end()):
                raise ExpressionError(f"unexpected '{text[match.end()]}' after the number {word}", match.end())
            value = Decimal(word) if "." in word else int(word)
            tokens.append(Token("number", word, value, i, match.end()))
            i = match.end()
        elif char in "'\"":
            value, end = _string(text, i)
            tokens.append(Token("string", text[i:end], value, i, end))
            i = end
        elif char == "`":
            value, end = _quoted_name(text, i)
            tokens.append(Token("name", text[i:end], value, i, end))
            i = end
        elif _NAME.match(text, i):
            word = _NAME.match(text, i).group()
            if word.lower() in KEYWORDS:
                tokens.append(Token("keyword", word.lower(), word.lower(), i, i + len(word)))
            else:
                tokens.append(Token("name", word, word, i, i + len(word)))
            i += len(word)
        else:
            op = next((op for op in OPERATORS if text.startswith(op, i)), None)
            if op is None:
                raise ExpressionError(f"unexpected character {char!r}", i)
            tokens.append(Token("op", "!=" if op == "<>" else op, op, i, i + len(op)))
            i += len(op)
    tokens.append(Token("eof", "", None, len(text), len(text)))
    return tokens


def _string(text: str, start: int) -> tuple[str, int]:
    quote = text[start]
    chars: list[str] = []
    i = start + 1
    while i < len(text):
        char = text[i]
        if char == quote:
            return "".join(chars), i + 1
        if char == "\\":
            escape = text[i + 1:i + 2]
            if escape not in _ESCAPES:
                raise ExpressionError(f"unknown escape '\\{escape}' (use \\\\, \\', \\\", \\n or \\t)", i)
            chars.append(_ESCAPES[escape])
            i += 2
        else:
            chars.append(char)
            i += 1
    raise ExpressionError(f"unterminated string (no closing {quote})", start)


def _quoted_name(text: str, start: int) -> tuple[str, int]:
    """`odd name` is a column name; `` inside it is one backquote."""
    chars: list[str] = []
    i = start + 1
    while i < len(text):
        if text.startswith("``", i):
            chars.append("`")
            i += 2
        elif text[i] == "`":
            if not chars:
                raise ExpressionError("empty `name`", start)
            return "".join(chars), i + 1
        else:
            chars.append(text[i])
            i += 1
    raise ExpressionError("unterminated `name` (no closing backquote)", start)
