"""Tokens -> a small typed AST (a Pratt parser). Every node keeps where it came from:
`pos` is the offset an error about the node points at (the operator of a binary
node), `start`/`end` the slice of text it was parsed from."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Optional, Union

from .lexer import ExpressionError, Token, tokenize


@dataclass(frozen=True)
class Literal:
    value: Any  # int, Decimal, str, bool or None
    pos: int
    start: int
    end: int


@dataclass(frozen=True)
class Name:
    path: tuple[str, ...]  # `transactions.amount` -> ("transactions", "amount")
    pos: int
    start: int
    end: int


@dataclass(frozen=True)
class Unary:
    op: str  # "-" or "not"
    operand: "Node"
    pos: int
    start: int
    end: int


@dataclass(frozen=True)
class Binary:
    op: str  # + - * / % = != < <= > >= and or
    left: "Node"
    right: "Node"
    pos: int
    start: int
    end: int


@dataclass(frozen=True)
class InList:
    operand: "Node"
    items: tuple["Node", ...]
    negated: bool
    pos: int
    start: int
    end: int


@dataclass(frozen=True)
class IsNull:
    operand: "Node"
    negated: bool
    pos: int
    start: int
    end: int


@dataclass(frozen=True)
class Case:
    whens: tuple[tuple["Node", "Node"], ...]  # (condition, value)
    otherwise: Optional["Node"]
    pos: int
    start: int
    end: int


@dataclass(frozen=True)
class Call:
    name: str  # lower case
    args: tuple["Node", ...]
    where: Optional["Node"]  # sum(x where cond)
    pos: int
    start: int
    end: int


Node = Union[Literal, Name, Unary, Binary, InList, IsNull, Case, Call]

COMPARISONS = ("=", "!=", "<", "<=", ">", ">=")
_COMPARE = 40  # the binding power of comparisons, `in` and `is`
_INFIX_POWER = {"or": 10, "and": 20, **{op: _COMPARE for op in COMPARISONS}, "in": _COMPARE,
                "is": _COMPARE, "+": 50, "-": 50, "*": 60, "/": 60, "%": 60}
_NOT_OPERAND = 30  # `not a = b` is `not (a = b)`; `not a and b` is `(not a) and b`
_NEGATE_OPERAND = 70  # `-a * b` is `(-a) * b`


def parse(text: str) -> Node:
    """The AST of one expression; ExpressionError (with the offset) when it is not one."""
    return _Parser(text).whole()


def _shown(token: Token) -> str:
    return "the end of the expression" if token.kind == "eof" else f"'{token.text}'"


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0

    def whole(self) -> Node:
        if self.peek().kind == "eof":
            raise ExpressionError("the expression is empty", 0)
        node = self.expression()
        token = self.peek()
        if token.kind != "eof":
            raise ExpressionError(f"unexpected {_shown(token)} after a complete expression", token.pos)
        return node

    # --- tokens

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def take(self) -> Token:
        token = self.peek()
        self.i += 1
        return token

    def at(self, text: str, ahead: int = 0) -> bool:
        token = self.peek(ahead)
        return token.kind in ("keyword", "op") and token.text == text

    def expect(self, text: str, context: str) -> Token:
        if not self.at(text):
            token = self.peek()
            raise ExpressionError(f"expected '{text}' {context}, found {_shown(token)}", token.pos)
        return self.take()

    # --- expressions

    def expression(self, power: int = 0) -> Node:
        left = self.prefix()
        compared = False  # `a < b < c` is an error, `(a < b) = c` is not
        while True:
            token = self.peek()
            op = "in" if self.at("not") and self.at("in", 1) else token.text
            infix = _INFIX_POWER.get(op) if token.kind in ("keyword", "op") else None
            if infix is None or infix <= power:
                return left
            if infix == _COMPARE and compared:
                raise ExpressionError("comparisons cannot be chained; join them with 'and'", token.pos)
            left = self.infix(left)
            compared = infix == _COMPARE

    def prefix(self) -> Node:
        token = self.take()
        if token.kind == "number" or token.kind == "string":
            return Literal(token.value, token.pos, token.pos, token.end)
        if token.kind == "keyword" and token.text in ("true", "false", "null"):
            value = {"true": True, "false": False, "null": None}[token.text]
            return Literal(value, token.pos, token.pos, token.end)
        if token.kind == "name":
            if self.at("(") and not token.text.startswith("`"):
                return self.call(token)
            return self.name(token)
        if token.text == "(" and token.kind == "op":
            inner = self.expression()
            column = token.pos - self.text.rfind("\n", 0, token.pos)  # on its line, from 1
            close = self.expect(")", f"to close the '(' opened at column {column}")
            return _respan(inner, token.pos, close.end)
        if token.text == "-" and token.kind == "op":
            operand = self.expression(_NEGATE_OPERAND)
            return Unary("-", operand, token.pos, token.pos, operand.end)
        if token.text == "not" and token.kind == "keyword":
            operand = self.expression(_NOT_OPERAND)
            return Unary("not", operand, token.pos, token.pos, operand.end)
        if token.text == "case" and token.kind == "keyword":
            return self.case(token)
        raise ExpressionError(f"expected a value, a column or '(', found {_shown(token)}", token.pos)

    def infix(self, left: Node) -> Node:
        token = self.take()
        if token.text == "not":  # not in
            self.take()
            return self.in_list(left, token, negated=True)
        if token.text == "in":
            return self.in_list(left, token, negated=False)
        if token.text == "is":
            negated = self.at("not")
            if negated:
                self.take()
            end = self.expect("null", "after 'is'" + (" not" if negated else "")).end
            return IsNull(left, negated, token.pos, left.start, end)
        right = self.expression(_INFIX_POWER[token.text])
        return Binary(token.text, left, right, token.pos, left.start, right.end)

    def name(self, first: Token) -> Name:
        path = [first.value]
        end = first.end
        while self.at("."):
            self.take()
            token = self.take()
            if token.kind not in ("name", "keyword"):  # keywords are fine as field names after a dot
                raise ExpressionError(f"expected a field name after '.', found {_shown(token)}", token.pos)
            path.append(token.value)
            end = token.end
        return Name(tuple(path), first.pos, first.pos, end)

    def call(self, name: Token) -> Call:
        self.take()  # (
        args: list[Node] = []
        where = None
        while not self.at(")"):
            args.append(self.expression())
            if self.at("where"):
                if len(args) > 1:
                    raise ExpressionError("'where' filters the one list argument of an aggregate, "
                                          "as in sum(x where condition)", self.peek().pos)
                self.take()
                where = self.expression()
                break
            if not self.at(","):
                break
            self.take()
            if self.at(")"):
                raise ExpressionError("expected another argument after ','", self.peek().pos)
        close = self.expect(")", f"to close the arguments of {name.text}()")
        return Call(name.text.lower(), tuple(args), where, name.pos, name.pos, close.end)

    def in_list(self, operand: Node, op: Token, negated: bool) -> InList:
        self.expect("(", "after 'in' (write x in ('a', 'b'))")
        items = [self.expression()]
        while self.at(","):
            self.take()
            items.append(self.expression())
        close = self.expect(")", "to close the list after 'in'")
        return InList(operand, tuple(items), negated, op.pos, operand.start, close.end)

    def case(self, case: Token) -> Case:
        if not self.at("when"):
            token = self.peek()
            raise ExpressionError(f"expected 'when' after 'case' (write case when CONDITION then VALUE ... end), "
                                  f"found {_shown(token)}", token.pos)
        whens = []
        while self.at("when"):
            self.take()
            condition = self.expression()
            self.expect("then", "after the condition of 'when'")
            whens.append((condition, self.expression()))
        otherwise = None
        if self.at("else"):
            self.take()
            otherwise = self.expression()
        end = self.expect("end", "to close 'case'")
        return Case(tuple(whens), otherwise, case.pos, case.pos, end.end)


def _respan(node: Node, start: int, end: int) -> Node:
    """A parenthesised node spans its parentheses, so that slices of the text stay whole."""
    return dataclasses.replace(node, start=start, end=end)
