"""Business rules: named expressions in a YAML file, compiled once to Arrow
compute calls and evaluated per batch into derived columns that templates use
like any field. See docs/rules.md for the language.

    rules = load_rules("rules.yaml")
    result = rules.evaluate(batch)   # result.batch: the batch + one column per rule
    result.errors                    # [(row, rule, reason)]: records a rule failed
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Optional, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from ..errors import RuleError
from ..sources import open_source, sliced
from ..template import _did_you_mean, _error, _line_of, _relocated, _shown, load_yaml_with_lines
from .compile import CompiledRule, Program, RuleOutcome, compile_rules
from .functions import DECLARED_TYPES, kind_of
from .lexer import ExpressionError
from .parser import Node, parse

__all__ = ["load_rules", "RuleSet", "Rule", "RuleResult", "RuleCheck", "RuleError"]

FORMAT_VERSION = 1
_TOP_KEYS = ("pressrun_rules", "rules")
_RULE_KEYS = ("name", "expr", "type")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_CHECK_BATCH_ROWS = 65536


@dataclass(frozen=True)
class Rule:
    name: str
    expr: str
    tree: Node
    type: Optional[str] = None  # a key of DECLARED_TYPES, checked when compiled


@dataclass(frozen=True)
class RuleResult:
    batch: pa.RecordBatch  # the input columns, then one column per rule in rule order
    errors: list[tuple[int, str, str]]  # (row, rule, reason), by row then rule
    branch_counts: dict[str, list[tuple[str, int]]]  # of case and if() rules: (branch, records)


class RuleSet:
    """Rules in file order. Parsed when built; checked against a schema (and cached
    for it) when first evaluated."""

    def __init__(self, rules: Sequence[Rule], source: Optional[str] = None,
                 lines: Optional[dict] = None) -> None:
        self.rules = tuple(rules)
        self.source, self.lines = source, lines or {}
        self._programs: dict[pa.Schema, Program] = {}

    @classmethod
    def from_dict(cls, data: Any, source: Optional[str] = None, lines: Optional[dict] = None) -> "RuleSet":
        """From the plain data of a rules file; source and lines (key path -> line)
        place errors in the file."""
        try:
            return cls(_rules_from_data(data), source, lines)
        except RuleError as exc:
            raise _located(exc, source, lines or {}) from None

    @property
    def names(self) -> list[str]:
        return [rule.name for rule in self.rules]

    def compile(self, schema: pa.Schema) -> Program:
        """The rules checked against a schema: RuleError for an unknown column, a wrong type..."""
        if schema not in self._programs:
            entries = [(rule.name, rule.expr, rule.tree, rule.type) for rule in self.rules]
            try:
                self._programs[schema] = compile_rules(entries, schema)
            except RuleError as exc:
                raise _located(exc, self.source, self.lines) from None
        return self._programs[schema]

    def evaluate(self, batch: pa.RecordBatch) -> RuleResult:
        program = self.compile(batch.schema)
        outcomes = program.evaluate(batch)
        fields = list(batch.schema) + [pa.field(rule.name, rule.type) for rule in program.rules]
        out = pa.RecordBatch.from_arrays(list(batch.columns) + [o.values for o in outcomes],
                                         schema=pa.schema(fields, metadata=batch.schema.metadata))
        keyed = [(row, i, rule.name, reason) for i, (rule, outcome) in enumerate(zip(program.rules, outcomes))
                 for row, reason in outcome.errors]
        errors = [(row, name, reason) for row, _, name, reason in sorted(keyed)]
        branches = {rule.name: list(zip(rule.branch_labels, outcome.branch_counts))
                    for rule, outcome in zip(program.rules, outcomes) if rule.branch_labels is not None}
        return RuleResult(out, errors, branches)

    def check(self, data: Any, max_shown: int = 5) -> "RuleCheck":
        """Every rule over all of `data` (anything pressrun.sources.open_source reads),
        batch by batch: what a business analyst looks at before a run."""
        reader = open_source(data)
        program = self.compile(reader.schema)
        report = RuleCheck(rules=[RuleStats(rule) for rule in program.rules])
        for batch in sliced(reader, _CHECK_BATCH_ROWS):
            failed = set()
            for stats, outcome in zip(report.rules, program.evaluate(batch)):
                stats.add(outcome, report.records, max_shown)
                failed.update(row for row, _ in outcome.errors)
            report.records += batch.num_rows
            report.failed_records += len(failed)
        return report


def load_rules(path: str | os.PathLike) -> RuleSet:
    """Reads and parses a rules file (YAML); errors name the file, line and key."""
    source = str(path)
    data, lines = load_yaml_with_lines(path, RuleError, "rules")
    return RuleSet.from_dict(data, source=source, lines=lines)


def _located(exc: RuleError, source: Optional[str], lines: dict) -> RuleError:
    if source is None or not hasattr(exc, "key_path"):
        return exc
    return _relocated(exc, source, _line_of(exc.key_path, lines))


def _rules_from_data(data: Any) -> list[Rule]:
    if not isinstance(data, dict):
        raise _error((), f"a rules file is a mapping with pressrun_rules and rules, got {_shown(data)}", RuleError)
    if "pressrun_rules" not in data:
        raise _error((), "missing required key 'pressrun_rules' (the rules format version: "
                         f"write `pressrun_rules: {FORMAT_VERSION}`)", RuleError)
    version = data["pressrun_rules"]
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise _error(("pressrun_rules",), f"unsupported rules format version {_shown(version)}; "
                                          f"this pressrun reads version {FORMAT_VERSION}", RuleError)
    _known_keys(data, (), _TOP_KEYS)
    items = data.get("rules")
    if not isinstance(items, list) or not items:
        raise _error(("rules",), f"expected a list of rules ({{name: ..., expr: ...}}), got {_shown(items)}",
                     RuleError)
    rules: list[Rule] = []
    first_index: dict[str, int] = {}
    for i, item in enumerate(items):
        path = ("rules", i)
        if not isinstance(item, dict):
            raise _error(path, f"expected a rule {{name: ..., expr: ...}}, got {_shown(item)}", RuleError)
        _known_keys(item, path, _RULE_KEYS)
        for key in ("name", "expr"):
            if key not in item:
                raise _error(path, f"missing required key '{key}'", RuleError)
        name, expr = item["name"], item["expr"]
        if not isinstance(name, str) or not _NAME.match(name):
            raise _error(path + ("name",), f"a rule name is letters, digits and _, not starting with a digit "
                                           f"(templates use it as a field), got {_shown(name)}", RuleError)
        if name in first_index:
            raise _error(path + ("name",), f"two rules named '{name}' (the first is rules[{first_index[name]}])",
                         RuleError)
        first_index[name] = i
        if not isinstance(expr, str):
            raise _error(path + ("expr",), f"expected an expression as text, got {_shown(expr)} "
                                           "(quote it)", RuleError)
        declared = item.get("type")
        if declared is not None and declared not in DECLARED_TYPES:
            raise _error(path + ("type",), f"unknown type {_shown(declared)}{_did_you_mean(declared, DECLARED_TYPES)}",
                         RuleError)
        try:
            tree = parse(expr)
        except ExpressionError as exc:
            raise _error(path + ("expr",), exc.located(expr), RuleError) from None
        rules.append(Rule(name, expr, tree, declared))
    return rules


def _known_keys(mapping: dict, path: tuple, allowed: tuple[str, ...]) -> None:
    for key in mapping:
        if key not in allowed:
            raise _error(path + (key,), f"unknown key{_did_you_mean(key, allowed)}", RuleError)


# --------------------------------------------------------------------------- the check report

@dataclass
class RuleStats:
    """What one rule gave over the records checked."""
    rule: CompiledRule
    nulls: int = 0
    true: int = 0
    false: int = 0
    branches: Optional[list[int]] = None
    minimum: Any = None
    maximum: Any = None
    failed: int = 0
    first_failures: list[tuple[int, str]] = field(default_factory=list)  # (record, reason)

    def __post_init__(self) -> None:
        if self.rule.branch_labels is not None:
            self.branches = [0] * len(self.rule.branch_labels)

    def add(self, outcome: RuleOutcome, first_record: int, max_shown: int) -> None:
        values = outcome.values
        self.nulls += values.null_count
        if self.branches is not None:
            self.branches = [a + b for a, b in zip(self.branches, outcome.branch_counts)]
        elif kind_of(values.type) == "bool":
            true = pc.sum(values).as_py() or 0
            self.true += true
            self.false += len(values) - values.null_count - true
        elif len(values) > values.null_count and kind_of(values.type) != "null":
            extremes = pc.min_max(values)
            low, high = extremes["min"].as_py(), extremes["max"].as_py()
            self.minimum = low if self.minimum is None else min(self.minimum, low)
            self.maximum = high if self.maximum is None else max(self.maximum, high)
        self.failed += len(outcome.errors)
        room = max_shown - len(self.first_failures)
        self.first_failures += [(first_record + row, reason) for row, reason in outcome.errors[:max(room, 0)]]

    def lines(self) -> list[str]:
        head = f"{self.rule.name} ({self.rule.type})"
        if self.branches is not None:
            width = max(len(label) for label in self.rule.branch_labels)
            out = [f"{head}:"] + [f"  {label:<{width}}  {count}"
                                  for label, count in zip(self.rule.branch_labels, self.branches)]
        elif kind_of(self.rule.type) == "bool":
            out = [f"{head}: true {self.true}, false {self.false}, null {self.nulls}"]
        else:
            span = (f"min {_value_text(self.minimum)}, max {_value_text(self.maximum)}, "
                    if self.minimum is not None else "")
            out = [f"{head}: {span}null {self.nulls}"]
        if self.failed:
            out.append(f"  {self.failed} record{'s' if self.failed != 1 else ''} failed this rule:")
            out += [f"    record {record}: {reason}" for record, reason in self.first_failures]
            if self.failed > len(self.first_failures):
                out.append(f"    ... and {self.failed - len(self.first_failures)} more")
        return out


@dataclass
class RuleCheck:
    """The report of RuleSet.check: per rule what it gave, and the records it failed
    (record numbers count from 0 over the whole input, as in the exception report)."""
    rules: list[RuleStats]
    records: int = 0
    failed_records: int = 0  # records that failed at least one rule

    def summary(self) -> str:
        failed = f"{self.failed_records} failed a rule" if self.failed_records else "none failed a rule"
        head = f"{self.records} records checked against {len(self.rules)} rules: {failed}"
        return "\n".join([head, ""] + [line for stats in self.rules for line in stats.lines()])


def _value_text(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")  # 0.00, not 0E-2
    return repr(value) if isinstance(value, str) else str(value)
