"""Rule ASTs -> functions of a record batch, made of pyarrow.compute calls.

compile_rules() checks every rule against the batch schema once: an unknown
column or function, or a wrong type, is a RuleError naming the rule, the
column or function and its place in the expression. Types are Arrow's own: the
type of each node is what its kernel returns for empty inputs of its argument
types, found once, here.

The Program it returns evaluates the rules on a whole batch at a time. A
record whose value cannot be computed (division by zero, text that is not a
number, a date out of range) fails that rule: its value is null and the
failure is reported with the record; the other records keep their values.
Failures of a branch a record did not take (the `else` of a case, the right of
an `and` after false) are not failures of that record.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Iterator, Optional, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import RuleError
from ..template import _did_you_mean, _error
from .functions import (AGGREGATES, DECLARED_TYPES, FUNCTIONS, NUMERIC, Failure, Function, decimal_literal,
                        describe, failures_where, fits_int64, kind_of, unscaled)
from .lexer import ExpressionError
from .parser import COMPARISONS, Binary, Call, Case, InList, IsNull, Literal, Name, Node, Unary

ListPath = tuple[str, ...]
_NOT_CONSTANT = object()
_MAX_DIGITS = 38  # of a decimal128
_FIRST_DAY, _LAST_DAY = -719162, 2932896  # 0001-01-01 and 9999-12-31, in days since 1970-01-01
_INT64_MIN = pa.scalar(Decimal(-2 ** 63), pa.decimal256(20, 0))
_INT64_MAX = pa.scalar(Decimal(2 ** 63 - 1), pa.decimal256(20, 0))
_COMPARE_KERNELS = {"=": "equal", "!=": "not_equal", "<": "less", "<=": "less_equal",
                    ">": "greater", ">=": "greater_equal"}
_NUMPY_COMPARE = {"=": np.equal, "!=": np.not_equal, "<": np.less, "<=": np.less_equal,
                  ">": np.greater, ">=": np.greater_equal}
_FLIPPED = {"=": "=", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}  # 0 < x is x > 0
_ARITHMETIC_KERNELS = {"+": "add", "-": "subtract", "*": "multiply", "/": "divide", "%": "remainder"}
_SPECIAL_FORMS = ("if", "coalesce")
_LIST_USE = "sum(), count(), min(), max(), avg(), any() or all()"


# --------------------------------------------------------------------------- evaluation state

class Items:
    """The items of one list column of a batch, flattened: item i is values[i] and
    belongs to record parents[i] (sorted); record r has counts[r] items."""

    def __init__(self, values: pa.Array, parents: np.ndarray, counts: np.ndarray) -> None:
        self.values, self.parents, self.counts = values, parents, counts
        self._fields: dict[tuple, pa.Array] = {}
        self._parent_indices: Optional[pa.Array] = None

    @classmethod
    def of(cls, lists: pa.Array) -> "Items":
        """Honours slices (offsets that do not start at 0) and null lists (no items, even
        where the null list still spans values of the child array)."""
        offsets = np.asarray(lists.offsets)
        counts = np.diff(offsets)
        values = lists.values.slice(offsets[0], offsets[-1] - offsets[0])
        if lists.null_count:
            valid = np.asarray(lists.is_valid())
            if counts[~valid].any():
                values = values.filter(pa.array(np.repeat(valid, counts)))
            counts = np.where(valid, counts, 0)
        return cls(values, np.repeat(np.arange(len(lists)), counts), counts)

    def __len__(self) -> int:
        return len(self.parents)

    def field(self, path: tuple) -> pa.Array:
        """A field of every item (`()`: the items themselves)."""
        if path not in self._fields:
            self._fields[path] = _normalized(_struct_field(self.values, path))
        return self._fields[path]

    def spread(self, per_record: pa.Array) -> pa.Array:
        """A value of each record repeated for each of its items."""
        if self._parent_indices is None:
            self._parent_indices = pa.array(self.parents)
        return per_record.take(self._parent_indices)

    def to_records(self, failures: Sequence[Failure]) -> tuple[Failure, ...]:
        """Failures of items as failures of their records (showing the first failing item)."""
        out = []
        for failure in failures:
            failing = np.flatnonzero(np.asarray(failure.mask))
            records, first = np.unique(self.parents[failing], return_index=True)
            mask = np.zeros(len(self.counts), dtype=bool)
            mask[records] = True
            shown = None
            if failure.shown is not None:
                place = np.full(len(self.counts), -1, dtype=np.int64)
                place[records] = failing[first]
                shown = failure.shown.take(pa.array(place, mask=place < 0))
            out.append(Failure(pa.array(mask), failure.reason, shown))
        return tuple(out)


class Context:
    """One batch being evaluated: its columns (normalised once) and the rules so far."""

    def __init__(self, batch: pa.RecordBatch) -> None:
        self.batch = batch
        self.rules: dict[str, pa.Array] = {}
        self._columns: dict[tuple, pa.Array] = {}
        self._items: dict[ListPath, Items] = {}

    def column(self, path: tuple) -> pa.Array:
        if path not in self._columns:
            self._columns[path] = _normalized(_struct_field(self.batch.column(path[0]), path[1:]))
        return self._columns[path]

    def items(self, path: ListPath) -> Items:
        if path not in self._items:
            self._items[path] = Items.of(self.column(path))
        return self._items[path]


@dataclass(frozen=True)
class Scope:
    """What an expression runs over: the records of the batch, or the items of one list."""
    context: Context
    items: Optional[Items] = None

    @property
    def length(self) -> int:
        return self.context.batch.num_rows if self.items is None else len(self.items)


@dataclass(frozen=True)
class Value:
    data: Any  # pa.Array, or pa.Scalar for an expression of literals
    failures: tuple[Failure, ...] = ()
    branches: Optional[tuple[pa.Array, ...]] = None  # of a case: the records each branch took


@dataclass(frozen=True)
class Compiled:
    type: pa.DataType
    run: Callable[[Scope], Value]
    constant: Any = _NOT_CONSTANT  # the Python value of a literal


def _normalized(array: pa.Array) -> pa.Array:
    """Dictionary-encoded values decoded, date64 as date32, large or view strings as strings."""
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    target = _normalized_type(array.type)
    return array if target == array.type else pc.cast(array, target)


def _normalized_type(data_type: pa.DataType) -> pa.DataType:
    if pa.types.is_dictionary(data_type):
        data_type = data_type.value_type
    if pa.types.is_date64(data_type):
        return pa.date32()
    if pa.types.is_large_string(data_type) or str(data_type) == "string_view":
        return pa.string()
    return data_type


def _struct_field(array: pa.Array, path: tuple) -> pa.Array:
    return pc.struct_field(array, list(path)) if path else array


def _array(data: Any, length: int) -> pa.Array:
    return pa.repeat(data, length) if isinstance(data, pa.Scalar) else data


def _empty(data_type: pa.DataType) -> pa.Array:
    return pa.array([], type=data_type)


def _guarded(failures: Sequence[Failure], guard: Any) -> tuple[Failure, ...]:
    return tuple(kept for kept in (failure.within(guard) for failure in failures) if kept is not None)


# --------------------------------------------------------------------------- the program

@dataclass(frozen=True)
class CompiledRule:
    name: str
    type: pa.DataType
    node: Compiled
    branch_labels: Optional[tuple[str, ...]]  # of a rule that is a case or if()


@dataclass(frozen=True)
class RuleOutcome:
    values: pa.Array  # null where the rule failed
    errors: list[tuple[int, str]]  # (row, reason)
    branch_counts: Optional[list[int]]  # records per branch, for a case or if() rule


@dataclass(frozen=True)
class Program:
    rules: tuple[CompiledRule, ...]

    def evaluate(self, batch: pa.RecordBatch) -> list[RuleOutcome]:
        context = Context(batch)
        outcomes = []
        for rule in self.rules:
            outcome = _outcome(rule, rule.node.run(Scope(context)), batch.num_rows)
            context.rules[rule.name] = outcome.values
            outcomes.append(outcome)
        return outcomes


def _outcome(rule: CompiledRule, value: Value, n_rows: int) -> RuleOutcome:
    values = _array(value.data, n_rows)
    if values.type != rule.type:  # the same schema for every batch, whatever a kernel made of scalars
        values = pc.cast(values, rule.type)
    errors: list[tuple[int, str]] = []
    if value.failures:
        failed = np.zeros(n_rows, dtype=bool)
        for failure in value.failures:  # a record is reported once, with its first reason
            mask = np.asarray(failure.mask)
            rows = np.flatnonzero(mask & ~failed)
            errors.extend((int(row), failure.message(row)) for row in rows)
            failed |= mask
        values = pc.if_else(pa.array(failed), pa.scalar(None, rule.type), values)
        errors.sort()
    counts = None
    if value.branches is not None:
        counts = [pc.sum(_array(mask, n_rows)).as_py() or 0 for mask in value.branches]
    return RuleOutcome(values, errors, counts)


def compile_rules(rules: Sequence[tuple[str, str, Node, Optional[str]]], schema: pa.Schema) -> Program:
    """rules: (name, expression text, AST, declared type or None), in file order.
    Raises RuleError with the key path rules[i].expr (or .name, .type)."""
    names = [name for name, _, _, _ in rules]
    earlier: dict[str, pa.DataType] = {}
    compiled = []
    for index, (name, text, tree, declared) in enumerate(rules):
        if name in schema.names:
            raise _error(("rules", index, "name"), f"rule '{name}' has the name of a column of the data; "
                                                   "rename the rule", RuleError)
        compiler = _Compiler(schema, text, name, earlier, names[index + 1:])
        try:
            node = compiler.compile(tree)
            _check_result(node, tree)
        except ExpressionError as exc:
            raise _error(("rules", index, "expr"), exc.located(text), RuleError) from None
        if declared is not None and kind_of(node.type) not in DECLARED_TYPES[declared]:
            raise _error(("rules", index, "type"), f"rule '{name}' gives {describe(node.type)}, "
                                                   f"but is declared {declared}", RuleError)
        labels = compiler.branch_labels(tree)
        compiled.append(CompiledRule(name, node.type, node, labels))
        earlier[name] = node.type
    return Program(tuple(compiled))


def _check_result(node: Compiled, tree: Node) -> None:
    kind = kind_of(node.type)
    if kind not in ("null", "bool", "integer", "float", "decimal", "string", "date", "timestamp"):
        raise ExpressionError(f"a rule must give one value per record, not {describe(node.type)}", tree.pos)


# --------------------------------------------------------------------------- names

@dataclass(frozen=True)
class _Ref:
    """What a name refers to: a rule, a column (or struct field) of the record, or a
    field of the items of a list column (field () for the items themselves)."""
    type: pa.DataType
    rule: Optional[str] = None
    path: tuple = ()
    list_path: Optional[ListPath] = None


# --------------------------------------------------------------------------- the compiler

class _Compiler:
    def __init__(self, schema: pa.Schema, text: str, rule: str, earlier: dict[str, pa.DataType],
                 later: Sequence[str]) -> None:
        self.schema, self.text, self.rule = schema, text, rule
        self.earlier, self.later = earlier, later
        self.items: Optional[ListPath] = None  # the list whose items are in scope, inside an aggregate

    def branch_labels(self, tree: Node) -> Optional[tuple[str, ...]]:
        case = self._as_case(tree)
        if case is None:
            return None
        labels = [f"when {self.text[condition.start:condition.end]}" for condition, _ in case.whens]
        return tuple(labels + ["else" if case.otherwise is not None else "no branch (null)"])

    def compile(self, node: Node) -> Compiled:
        method = {Literal: self._literal, Name: self._name, Unary: self._unary, Binary: self._binary,
                  InList: self._in_list, IsNull: self._is_null, Case: self._case, Call: self._call}
        return method[type(node)](node)

    # --- literals and names

    def _literal(self, node: Literal) -> Compiled:
        value = node.value
        if isinstance(value, bool) or value is None or isinstance(value, str):
            scalar = pa.scalar(value)
        elif isinstance(value, int):
            if value >= 2 ** 63:
                raise ExpressionError(f"{value} is too large for a whole number", node.pos)
            scalar = pa.scalar(value, pa.int64())
        else:  # a decimal: a float unless it meets a decimal column (see _coerced)
            if max(len(value.as_tuple().digits), -value.as_tuple().exponent) > _MAX_DIGITS:
                raise ExpressionError(f"{value} has more than {_MAX_DIGITS} digits", node.pos)
            scalar = pa.scalar(float(value), pa.float64())
        return Compiled(scalar.type, lambda scope: Value(scalar), constant=value)

    def _resolve(self, node: Name) -> _Ref:
        head, *rest = node.path
        if head == self.rule:
            raise ExpressionError(f"rule '{self.rule}' refers to itself", node.pos)
        if head in self.earlier:
            if rest:
                raise ExpressionError(f"rule '{head}' is one value, it has no field '{rest[0]}'", node.pos)
            return _Ref(self.earlier[head], rule=head)
        if head in self.later:
            raise ExpressionError(f"rule '{self.rule}' uses rule '{head}', which comes later in the file "
                                  "(rules run in file order)", node.pos)
        if head not in self.schema.names:
            known = list(self.schema.names) + list(self.earlier)
            raise ExpressionError(f"unknown column '{head}'", node.pos, _did_you_mean(head, known))
        data_type = self.schema.field(head).type
        path: list[str] = [head]
        list_path: Optional[ListPath] = None
        for part in rest:
            if kind_of(data_type) == "list":
                if list_path is not None:
                    raise ExpressionError(f"'{'.'.join(list_path + tuple(path))}' is a list inside the items "
                                          "of a list; nested lists are not supported", node.pos)
                list_path, path = tuple(path), []
                data_type = data_type.value_type
            if not pa.types.is_struct(data_type):
                where = ".".join((list_path or ()) + tuple(path))
                raise ExpressionError(f"'{where}' is {describe(data_type)}, it has no field '{part}'", node.pos)
            names = [child.name for child in data_type]
            if part not in names:
                where = ".".join((list_path or ()) + tuple(path))
                raise ExpressionError(f"'{where}' has no field '{part}'", node.pos, _did_you_mean(part, names))
            data_type = data_type.field(part).type
            path.append(part)
        if kind_of(data_type) == "list":
            if list_path is not None:
                raise ExpressionError(f"'{'.'.join(node.path)}' is a list inside the items of a list; "
                                      "nested lists are not supported", node.pos)
            list_path, path = tuple(path), []
            data_type = data_type.value_type
        return _Ref(_normalized_type(data_type), path=tuple(path), list_path=list_path)

    def _name(self, node: Name) -> Compiled:
        ref = self._resolve(node)
        shown = ".".join(node.path)
        if ref.list_path is None:
            if ref.rule is not None:
                fetch = lambda context: context.rules[ref.rule]  # noqa: E731
            else:
                fetch = lambda context: context.column(ref.path)  # noqa: E731
            if self.items is None:
                return Compiled(ref.type, lambda scope: Value(fetch(scope.context)))
            return Compiled(ref.type, lambda scope: Value(scope.items.spread(fetch(scope.context))))
        if self.items is None:
            raise ExpressionError(f"'{shown}' has one value per item of the list '{'.'.join(ref.list_path)}'; "
                                  f"use it inside {_LIST_USE}", node.pos)
        return Compiled(ref.type, lambda scope: Value(scope.items.field(ref.path)))

    def _lists_in(self, node: Optional[Node]) -> Iterator[tuple[ListPath, Name]]:
        """The list columns whose items a subtree uses, with the name that uses each."""
        if isinstance(node, Name):
            ref = self._resolve(node)
            if ref.list_path is not None:
                yield ref.list_path, node
        elif node is not None:
            for field in dataclasses.fields(node):
                child = getattr(node, field.name)
                children = child if isinstance(child, tuple) else (child,)
                for item in children:
                    for part in (item if isinstance(item, tuple) else (item,)):  # case whens are pairs
                        if dataclasses.is_dataclass(part):
                            yield from self._lists_in(part)

    # --- operators

    def _unary(self, node: Unary) -> Compiled:
        if node.op == "-" and isinstance(node.operand, Literal) and isinstance(node.operand.value, (int, Decimal)) \
                and not isinstance(node.operand.value, bool):
            return self._literal(dataclasses.replace(node.operand, value=-node.operand.value, pos=node.pos))
        operand = self.compile(node.operand)
        kind = kind_of(operand.type)
        if node.op == "not":
            self._expect_bool(operand, node.operand, "'not'")
            operand = _typed_null(operand, pa.bool_())
            return _mapped(pa.bool_(), [operand], pc.invert)
        if kind not in NUMERIC:
            raise ExpressionError(f"cannot negate {describe(operand.type)}", node.pos)
        if kind == "integer":
            return _integer_op(pa.int64(), "negate", [_cast(operand, pa.int64())])
        return _mapped(operand.type, [operand], pc.negate)

    def _binary(self, node: Binary) -> Compiled:
        left, right = self.compile(node.left), self.compile(node.right)
        if node.op in ("and", "or"):
            return self._logic(node, left, right)
        if node.op in COMPARISONS:
            return self._comparison(node, left, right)
        return self._arithmetic(node, left, right)

    def _logic(self, node: Binary, left: Compiled, right: Compiled) -> Compiled:
        self._expect_bool(left, node.left, f"'{node.op}'")
        self._expect_bool(right, node.right, f"'{node.op}'")
        left, right = _typed_null(left, pa.bool_()), _typed_null(right, pa.bool_())
        is_and = node.op == "and"
        kernel = pc.and_kleene if is_and else pc.or_kleene

        def run(scope: Scope) -> Value:
            a, b = left.run(scope), right.run(scope)
            # The right side matters only where the left does not decide: not false (and), not true (or).
            guard = pc.fill_null(a.data, True) if is_and else pc.invert(pc.fill_null(a.data, False))
            return Value(kernel(a.data, b.data), a.failures + _guarded(b.failures, guard))
        return Compiled(pa.bool_(), run)

    def _comparison(self, node: Binary, left: Compiled, right: Compiled) -> Compiled:
        for side in (left, right):
            if side.constant is None:
                test = "is null" if node.op == "=" else "is not null"
                raise ExpressionError(f"a comparison with null is always null; write '{test}'", node.pos)
        kinds = (kind_of(left.type), kind_of(right.type))
        if not (set(kinds) <= set(NUMERIC) or kinds[0] == kinds[1]):
            hint = ""
            if "date" in kinds and "string" in kinds:
                hint = "; write a date as date('2025-03-31')"
            raise ExpressionError(f"cannot compare {describe(left.type)} with {describe(right.type)}{hint}",
                                  node.pos)
        if kinds[0] not in NUMERIC + ("string", "date", "timestamp", "bool"):
            raise ExpressionError(f"cannot compare {describe(left.type)} values", node.pos)
        left, right = _coerced([left, right])
        unscaled = _unscaled_comparison(node.op, left, right)
        if unscaled is not None:
            return unscaled
        kernel = getattr(pc, _COMPARE_KERNELS[node.op])
        return _mapped(pa.bool_(), [left, right], kernel)

    def _arithmetic(self, node: Binary, left: Compiled, right: Compiled) -> Compiled:
        op = node.op
        kinds = (kind_of(left.type), kind_of(right.type))
        if "string" in kinds and op == "+":
            if kinds[0] not in ("string", "null") or kinds[1] not in ("string", "null"):
                raise ExpressionError(f"cannot add {describe(left.type)} and {describe(right.type)}; "
                                      "use concat(...) to join text with other values", node.pos)
            left, right = _typed_null(left, pa.string()), _typed_null(right, pa.string())
            return _mapped(pa.string(), [left, right], lambda a, b: pc.binary_join_element_wise(a, b, ""))
        if "date" in kinds and op in "+-":
            return self._date_arithmetic(node, left, right, kinds)
        if not set(kinds) <= set(NUMERIC) | {"null"}:
            raise ExpressionError(f"cannot apply '{op}' to {describe(left.type)} and {describe(right.type)}",
                                  node.pos)
        if op in "/%" and right.constant == 0:
            raise ExpressionError("division by zero", node.pos)
        operands = _coerced([left, right])
        other = next((o.type for o in operands if kind_of(o.type) != "null"), pa.int64())
        operands = [_typed_null(operand, other) for operand in operands]
        kinds = tuple(kind_of(operand.type) for operand in operands)
        kernel = _ARITHMETIC_KERNELS[op]
        if "decimal" in kinds:  # exact: whole numbers join as decimals of as many digits as they can hold
            operands = [_cast(operand, _integer_as_decimal(operand.type)) if kind_of(operand.type) == "integer"
                        else operand for operand in operands]
            operands = _fitted(kernel, operands, node.pos)
        elif "float" not in kinds:  # whole numbers compute in 64 bits, and 7 / 2 is 3.5, not 3
            operands = [_cast(operand, pa.float64() if op == "/" else pa.int64()) for operand in operands]
        result_type = _result_type(getattr(pc, kernel), [o.type for o in operands], node.pos)
        if kind_of(result_type) == "integer" and op in "+-*":
            return _integer_op(result_type, kernel, operands)
        if op in "/%":
            return _division(result_type, kernel, operands)
        return _mapped(result_type, operands, getattr(pc, kernel))

    def _date_arithmetic(self, node: Binary, left: Compiled, right: Compiled, kinds: tuple) -> Compiled:
        if kinds == ("date", "date") and node.op == "-":
            return _mapped(pa.int64(), [right, left], pc.days_between)
        if kinds[0] == "integer" and node.op == "+":
            left, right = right, left
        elif kind_of(left.type) != "date" or kind_of(right.type) != "integer":
            raise ExpressionError(f"cannot apply '{node.op}' to {describe(left.type)} and "
                                  f"{describe(right.type)}; add or subtract a whole number of days", node.pos)
        kernel = "add" if node.op == "+" else "subtract"
        days = _integer_op(pa.int64(), kernel, [_cast(_cast(left, pa.int32()), pa.int64()),
                                                 _cast(right, pa.int64())])

        def run(scope: Scope) -> Value:
            shifted = days.run(scope)
            outside = pc.or_(pc.less(shifted.data, _FIRST_DAY), pc.greater(shifted.data, _LAST_DAY))
            failures = failures_where(outside, "date out of range (years 1 to 9999)", scope.length)
            inside = pc.if_else(outside, pa.scalar(None, pa.int64()), shifted.data) if failures else shifted.data
            return Value(pc.cast(pc.cast(inside, pa.int32()), pa.date32()), shifted.failures + failures)
        return Compiled(pa.date32(), run)

    def _in_list(self, node: InList) -> Compiled:
        operand = self.compile(node.operand)
        kind = kind_of(operand.type)
        if kind not in NUMERIC + ("string", "date", "bool"):
            raise ExpressionError(f"'in' cannot test {describe(operand.type)}", node.pos)
        values = []
        for item in node.items:
            compiled = self.compile(item)
            if compiled.constant is _NOT_CONSTANT:
                raise ExpressionError("the values after 'in' must be literals, such as ('a', 'b')", item.pos)
            if compiled.constant is None:
                raise ExpressionError("null is never 'in' a list; test it with 'is null'", item.pos)
            item_kind = kind_of(compiled.type)
            if not (item_kind == kind or {item_kind, kind} <= set(NUMERIC)):
                raise ExpressionError(f"'{self.text[node.operand.start:node.operand.end]}' is "
                                      f"{describe(operand.type)}, it can never be {self.text[item.start:item.end]}",
                                      item.pos)
            values.append(compiled.constant)
        if kind == "decimal" or any(isinstance(value, Decimal) for value in values):
            values = [Decimal(value) for value in values]  # Arrow casts whole numbers to few decimal digits
        try:  # a safe cast: 2.5 is no whole number, rather than 2
            value_set = pc.cast(pa.array(values), operand.type)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            raise ExpressionError(f"some values after 'in' can never equal {describe(operand.type)}",
                                  node.pos) from None
        negated = node.negated

        def run(scope: Scope) -> Value:
            value = operand.run(scope)
            data = _array(value.data, scope.length)
            found = pc.is_in(data, value_set=value_set)
            if negated:
                found = pc.invert(found)
            if data.null_count:  # null in (...) is null, as any comparison with null
                found = pc.if_else(pc.is_valid(data), found, pa.scalar(None, pa.bool_()))
            return Value(found, value.failures)
        return Compiled(pa.bool_(), run)

    def _is_null(self, node: IsNull) -> Compiled:
        return _mapped(pa.bool_(), [self.compile(node.operand)], pc.is_valid if node.negated else pc.is_null)

    # --- case, if, coalesce

    def _as_case(self, node: Node) -> Optional[Case]:
        if isinstance(node, Case):
            return node
        if isinstance(node, Call) and node.name == "if":
            if len(node.args) != 3:
                raise ExpressionError(f"if() takes 3 arguments (condition, then, else), got {len(node.args)}",
                                      node.pos)
            condition, then, otherwise = node.args
            return Case(((condition, then),), otherwise, node.pos, node.start, node.end)
        return None

    def _case(self, node: Case) -> Compiled:
        conditions = []
        for condition, _ in node.whens:
            compiled = self.compile(condition)
            self._expect_bool(compiled, condition, "a 'when'")
            conditions.append(compiled)
        branches = [value for _, value in node.whens] + ([node.otherwise] if node.otherwise is not None else [])
        values, result_type = self._unified([self.compile(value) for value in branches],
                                            "the branches of a case", node.pos)
        has_else = node.otherwise is not None

        def run(scope: Scope) -> Value:
            n = scope.length
            failures: list[Failure] = []
            taken: list[pa.Array] = []
            decided = pa.repeat(pa.scalar(False), n)
            for condition in conditions:
                tested = condition.run(scope)
                open_ = pc.invert(decided)
                failures += _guarded(tested.failures, open_)
                hit = pc.and_(_array(pc.fill_null(tested.data, False), n), open_)
                taken.append(hit)
                decided = pc.or_(decided, hit)
            rest = pc.invert(decided)
            chosen = taken + [rest] if has_else else taken
            datas = []
            for value, mask in zip(values, chosen):
                result = value.run(scope)
                failures += _guarded(result.failures, mask)
                datas.append(result.data)
            if result_type == pa.null():
                data = pa.nulls(n)
            else:
                names = [str(i) for i in range(len(chosen))]
                data = pc.case_when(pc.make_struct(*chosen, field_names=names), *datas)
            return Value(data, tuple(failures), tuple(taken + [rest]))
        return Compiled(result_type, run)

    def _coalesce(self, node: Call) -> Compiled:
        if not node.args:
            raise ExpressionError("coalesce() needs at least one argument", node.pos)
        values, result_type = self._unified([self.compile(arg) for arg in node.args],
                                            "the arguments of coalesce()", node.pos)

        def run(scope: Scope) -> Value:
            first = values[0].run(scope)
            data, failures = first.data, list(first.failures)
            for value in values[1:]:
                result = value.run(scope)
                failures += _guarded(result.failures, pc.is_null(data))  # used only where all before are null
                data = pc.coalesce(data, result.data)
            return Value(data, tuple(failures))
        return Compiled(result_type, run)

    def _unified(self, values: list[Compiled], what: str, pos: int) -> tuple[list[Compiled], pa.DataType]:
        """The values cast to one type (Arrow's common type of them), for case, if() and coalesce()."""
        kinds = {kind_of(value.type) for value in values} - {"null"}
        if not (kinds <= set(NUMERIC) or len(kinds) <= 1):
            raise ExpressionError(f"{what} give different kinds of value: {', '.join(sorted(kinds))}", pos)
        if kinds & {"list", "struct"}:
            raise ExpressionError(f"{what} must be single values, not {', '.join(sorted(kinds))}", pos)
        values = _coerced(values)
        typed = [i for i, value in enumerate(values) if kind_of(value.type) != "null"]
        if not typed:
            return values, pa.null()
        fitted = _fitted("coalesce", [values[i] for i in typed], pos)
        for i, value in zip(typed, fitted):
            values[i] = value
        common = _result_type(pc.coalesce, [values[i].type for i in typed], pos)
        return [_typed_null(value, common) if kind_of(value.type) == "null" else _cast(value, common)
                for value in values], common

    # --- calls

    def _call(self, node: Call) -> Compiled:
        name = node.name
        if node.where is not None and name not in AGGREGATES:
            raise ExpressionError(f"'where' filters the items of an aggregate ({_LIST_USE}), not {name}()",
                                  node.pos)
        if name in AGGREGATES:
            return self._aggregate(node)
        if name == "if":
            return self._case(self._as_case(node))
        if name == "coalesce":
            return self._coalesce(node)
        if name == "today" or name == "now":
            raise ExpressionError(f"{name}() is not allowed: a rule gives the same result whenever it runs; "
                                  "pass the date as a column of the data", node.pos)
        function = FUNCTIONS.get(name)
        if function is None:
            known = list(FUNCTIONS) + list(AGGREGATES) + list(_SPECIAL_FORMS)
            raise ExpressionError(f"unknown function '{name}'", node.pos, _did_you_mean(name, known))
        count = len(node.args)
        most = None if function.variadic else len(function.params)
        if count < function.min_args or (most is not None and count > most):
            takes = str(function.min_args) if most == function.min_args else (
                f"{function.min_args} or more" if most is None else f"{function.min_args} to {most}")
            raise ExpressionError(f"{name}() takes {takes} argument{'s' if takes != '1' else ''}, got {count}",
                                  node.pos)
        params = [function.params[min(i, len(function.params) - 1)] for i in range(count)]
        args: list[Any] = []
        for param, arg in zip(params, node.args):
            compiled = self.compile(arg)
            kind = kind_of(compiled.type)
            if param.literal:
                if compiled.constant is _NOT_CONSTANT or kind not in param.kinds:
                    wanted = "a whole number" if param.kinds == ("integer",) else "text"
                    raise ExpressionError(f"{name}(): {param.name} must be {wanted} written as a literal", arg.pos)
                args.append(compiled.constant)
            elif kind in param.kinds or kind == "null":
                args.append(compiled)
            else:
                raise ExpressionError(f"{name}(): {param.name} must be {' or '.join(param.kinds)}, "
                                      f"got {describe(compiled.type)}", arg.pos)
        return self._apply(function, args, node)

    def _apply(self, function: Function, args: list[Any], node: Call) -> Compiled:
        """args: a Compiled for each argument, or the Python value of a literal parameter."""
        inputs = [arg for arg in args if isinstance(arg, Compiled)]

        def call(datas: list[Any]) -> Any:  # datas: one for each of inputs
            given = iter(datas)
            return function.kernel(*[next(given) if isinstance(arg, Compiled) else arg for arg in args])

        try:
            if function.constant:
                scalar = call([])
                return Compiled(scalar.type, lambda scope: Value(scalar), constant=scalar.as_py())
            trial = call([_empty(arg.type) for arg in inputs])
        except pa.ArrowException:
            raise ExpressionError(f"{function.name}() cannot take {self._types(args)}", node.pos) from None
        except ValueError as exc:  # a bad literal argument, such as substr(x, 0)
            raise ExpressionError(str(exc), node.pos) from None
        result_type = (trial[0] if function.fallible else trial).type

        def run(scope: Scope) -> Value:
            values = [arg.run(scope) for arg in inputs]
            failures = tuple(f for v in values for f in v.failures)
            out = call([v.data for v in values])
            if not function.fallible:
                return Value(out, failures)
            data, problems = out
            for mask, reason, shown in problems:
                failures += failures_where(mask, reason, scope.length, shown)
            return Value(data, failures)
        return Compiled(result_type, run)

    @staticmethod
    def _types(args: list[Any]) -> str:
        return ", ".join(describe(arg.type) if isinstance(arg, Compiled) else repr(arg) for arg in args)

    def _aggregate(self, node: Call) -> Compiled:
        name = node.name
        spec = AGGREGATES[name]
        if self.items is not None:
            raise ExpressionError(f"{name}() inside another aggregate: aggregates cannot be nested", node.pos)
        if len(node.args) != 1:
            raise ExpressionError(f"{name}() takes one list, such as {name}(transactions.amount)", node.pos)
        arg = node.args[0]
        lists = {}
        for list_path, used in list(self._lists_in(arg)) + list(self._lists_in(node.where)):
            lists.setdefault(list_path, used)
        if not lists:
            raise ExpressionError(f"{name}() needs a list column, such as {name}(transactions.amount)", arg.pos)
        if len(lists) > 1:
            (a, _), (b, used) = list(lists.items())[:2]
            raise ExpressionError(f"{name}() mixes the items of '{'.'.join(a)}' and '{'.'.join(b)}'", used.pos)
        list_path = next(iter(lists))
        self.items = list_path
        try:
            value = self.compile(arg)
            condition = self.compile(node.where) if node.where is not None else None
        finally:
            self.items = None
        if condition is not None:
            self._expect_bool(condition, node.where, "'where'")
        if kind_of(value.type) not in spec.kinds:
            raise ExpressionError(f"{name}() needs {' or '.join(spec.kinds)}, but "
                                  f"'{self.text[arg.start:arg.end]}' is {describe(value.type)}", arg.pos)
        # count(transactions) counts the items themselves, null ones too
        items_themselves = name == "count" and isinstance(arg, Name) and self._resolve(arg).path == ()
        result_type = spec.result(value.type)

        def run(scope: Scope) -> Value:
            context = scope.context
            items = context.items(list_path)
            over_items = Scope(context, items)
            failures: tuple[Failure, ...] = ()
            keep = None
            if condition is not None:
                tested = condition.run(over_items)
                failures += items.to_records(tested.failures)
                kept = _array(pc.fill_null(tested.data, False), len(items))
                keep = np.asarray(kept)
            values = None
            if not items_themselves:
                result = value.run(over_items)  # over every item: cheaper than filtering them first
                value_failures = result.failures if keep is None else _guarded(result.failures, kept)
                failures += items.to_records(value_failures)
                values = _array(result.data, len(items))
            per_record = spec.reduce(values, keep, items.parents, items.counts, result_type)
            if spec.fallible:
                per_record, too_large = per_record
                if too_large is not None:
                    failures += failures_where(pa.array(too_large), f"{name}() too large for {result_type}",
                                               scope.length)
            return Value(per_record, failures)
        return Compiled(result_type, run)

    # --- checks

    def _expect_bool(self, compiled: Compiled, node: Node, where: str) -> None:
        if kind_of(compiled.type) not in ("bool", "null"):
            raise ExpressionError(f"{where} needs true or false, but '{self.text[node.start:node.end]}' is "
                                  f"{describe(compiled.type)}", node.pos)


# --------------------------------------------------------------------------- building blocks

def _mapped(result_type: pa.DataType, operands: list[Compiled], kernel: Callable[..., Any]) -> Compiled:
    """kernel applied to the operands' values; their failures carry over."""
    def run(scope: Scope) -> Value:
        values = [operand.run(scope) for operand in operands]
        return Value(kernel(*[v.data for v in values]), tuple(f for v in values for f in v.failures))
    return Compiled(result_type, run)


def _cast(operand: Compiled, data_type: pa.DataType) -> Compiled:
    """A cast that cannot lose data (wider numbers, dates as day numbers)."""
    if operand.type == data_type:
        return operand
    return Compiled(data_type, _mapped(data_type, [operand], lambda data: pc.cast(data, data_type)).run,
                    constant=operand.constant)


def _typed_null(operand: Compiled, data_type: pa.DataType) -> Compiled:
    if kind_of(operand.type) != "null":
        return operand
    scalar = pa.scalar(None, data_type)
    return Compiled(data_type, lambda scope: Value(scalar), constant=None)


def _coerced(operands: list[Compiled]) -> list[Compiled]:
    """Number literals next to a decimal become exact decimals; decimal literals are
    floats otherwise."""
    if not any(kind_of(o.type) == "decimal" and o.constant is _NOT_CONSTANT for o in operands):
        return operands
    out = []
    for operand in operands:
        value = operand.constant
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            scalar = decimal_literal(value)
            operand = Compiled(scalar.type, lambda scope, scalar=scalar: Value(scalar), constant=value)
        out.append(operand)
    return out


def _integer_as_decimal(data_type: pa.DataType) -> pa.DataType:
    return pa.decimal128(len(str(2 ** data_type.bit_width)), 0)  # int32 -> decimal128(10, 0)


def _result_type(kernel: Callable[..., Any], types: list[pa.DataType], pos: int) -> pa.DataType:
    try:
        return kernel(*[_empty(t) for t in types]).type
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise ExpressionError(f"cannot combine {' and '.join(describe(t) for t in types)}: {exc}", pos) from None


def _fitted(kernel: str, operands: list[Compiled], pos: int) -> list[Compiled]:
    """Decimal operands narrowed until Arrow's result type fits in 38 digits.

    Arrow widens the precision of each result (12,2 + 12,2 -> 13,2) and refuses
    beyond 38; a sum of sums or a column declared decimal(38, x) gets there. The
    operand with the most integer digits loses one at a time; a record whose
    value no longer fits fails with 'number too large'."""
    types = [operand.type for operand in operands]
    if not any(pa.types.is_decimal(t) for t in types):
        return operands
    function = getattr(pc, kernel)
    while True:
        try:
            result = function(*[_empty(t) for t in types]).type
            if not pa.types.is_decimal256(result):
                break
        except pa.ArrowInvalid:  # "Decimal precision out of range"
            pass
        except pa.ArrowException as exc:
            raise ExpressionError(f"cannot combine {' and '.join(describe(t) for t in types)}: {exc}", pos) from None
        widest = max((i for i, t in enumerate(types) if pa.types.is_decimal(t)),
                     key=lambda i: types[i].precision - types[i].scale)
        precision, scale = types[widest].precision, types[widest].scale
        if precision - scale <= 1:
            raise ExpressionError(f"the decimals are too wide to combine exactly in {_MAX_DIGITS} digits; "
                                  "round() them first", pos)
        types[widest] = pa.decimal128(min(precision, _MAX_DIGITS) - 1, scale)
    return [operand if operand.type == t else _narrowed(operand, t) for operand, t in zip(operands, types)]


def _narrowed(operand: Compiled, data_type: pa.DataType) -> Compiled:
    digits, scale = data_type.precision - data_type.scale, data_type.scale
    largest = pa.scalar(Decimal("9" * digits + ("." + "9" * scale if scale else "")), data_type)

    def run(scope: Scope) -> Value:
        value = operand.run(scope)
        too_large = pc.greater(pc.abs(value.data), largest)
        failures = failures_where(too_large, f"number too large for exact arithmetic ({data_type})", scope.length)
        data = pc.if_else(too_large, pa.scalar(None, operand.type), value.data) if failures else value.data
        return Value(pc.cast(data, data_type), value.failures + failures)
    return Compiled(data_type, run, constant=operand.constant)


def _unscaled_comparison(op: str, left: Compiled, right: Compiled) -> Optional[Compiled]:
    """A decimal of up to 18 digits compared with a literal, by numpy on the unscaled
    int64: Arrow's decimal comparison is several times slower, and the filters of
    aggregates (amount > 0 over every transaction) are made of these. None if it
    does not apply."""
    if left.constant is not _NOT_CONSTANT:
        left, right, op = right, left, _FLIPPED[op]
    literal = right.constant
    if left.constant is not _NOT_CONSTANT or not fits_int64(left.type) \
            or not isinstance(literal, (int, Decimal)) or isinstance(literal, bool):
        return None
    bound = Decimal(literal).scaleb(left.type.scale)
    if bound != bound.to_integral_value() or abs(bound) >= 2 ** 63:
        return None
    compare, bound = _NUMPY_COMPARE[op], int(bound)

    def run(scope: Scope) -> Value:
        value = left.run(scope)
        data = _array(value.data, scope.length)
        invalid = np.asarray(pc.is_null(data)) if data.null_count else None
        return Value(pa.array(compare(unscaled(data), bound), mask=invalid), value.failures)
    return Compiled(pa.bool_(), run)


def _integer_op(result_type: pa.DataType, kernel: str, operands: list[Compiled]) -> Compiled:
    """A whole-number kernel that fails the records it overflows, not the batch."""
    checked = getattr(pc, kernel + "_checked")

    def run(scope: Scope) -> Value:
        values = [operand.run(scope) for operand in operands]
        failures = tuple(f for v in values for f in v.failures)
        datas = [v.data for v in values]
        try:
            return Value(checked(*datas), failures)
        except pa.ArrowInvalid:
            # Some record overflows 64 bits: find which, exactly, in wider decimals.
            wide = getattr(pc, kernel)(*[pc.cast(data, pa.decimal256(20, 0)) for data in datas])
            overflow = pc.or_(pc.less(wide, _INT64_MIN), pc.greater(wide, _INT64_MAX))
            failures += failures_where(overflow, "number too large for a whole number", scope.length)
            kept = [pc.if_else(overflow, pa.scalar(None, data.type), data) for data in datas]
            return Value(checked(*kept), failures)
    return Compiled(result_type, run)


def _division(result_type: pa.DataType, kernel: str, operands: list[Compiled]) -> Compiled:
    """/ and %: a record whose divisor is zero fails with 'division by zero'."""
    function = getattr(pc, kernel)
    dividend, divisor = operands

    def run(scope: Scope) -> Value:
        a, b = dividend.run(scope), divisor.run(scope)
        zero = pc.equal(b.data, 0)
        failures = failures_where(zero, "division by zero", scope.length)
        divisors = pc.if_else(zero, pa.scalar(None, b.data.type), b.data) if failures else b.data
        return Value(function(a.data, divisors), a.failures + b.failures + failures)
    return Compiled(result_type, run)
