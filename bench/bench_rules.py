"""Time of RuleSet.evaluate on one batch: 4096 statements, ~30 transactions each,
ten rules of which two aggregate the transactions.

    python bench/bench_rules.py [--rows 4096] [--items 30] [--repeat 50]
"""
from __future__ import annotations

import argparse
import time
from decimal import Decimal

import numpy as np
import pyarrow as pa

from pressrun.rules import RuleSet

RULES = {"pressrun_rules": 1, "rules": [
    {"name": "credits", "expr": "sum(transactions.amount where transactions.amount > 0)"},
    {"name": "debits", "expr": "-sum(transactions.amount where transactions.amount < 0)"},
    {"name": "closing_balance", "expr": "opening_balance + credits - debits"},
    {"name": "segment_message", "expr": "case when segment = 'hardship' then 'help' "
                                        "when closing_balance < 0 then 'overdrawn' else 'standard' end"},
    {"name": "show_offer", "expr": "segment in ('residential', 'concession') and closing_balance > 1000"},
    {"name": "due_date", "expr": "statement_date + 14"},
    {"name": "greeting", "expr": "concat('Dear ', upper(substr(first_name, 1, 1)), lower(substr(first_name, 2)))"},
    {"name": "average_spend", "expr": "if(debits > 0, debits / 30, 0)"},
    {"name": "late_fee", "expr": "case when closing_balance < -100 then 12.50 else 0 end"},
    {"name": "channel", "expr": "coalesce(preferred_channel, 'print')"},
]}


def make_batch(rows: int, items: int, seed: int = 1) -> pa.RecordBatch:
    rng = np.random.default_rng(seed)
    counts = rng.integers(0, 2 * items + 1, rows)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    cents = rng.integers(-50_000, 50_000, int(offsets[-1]))
    amounts = pa.array([Decimal(int(c)).scaleb(-2) for c in cents], pa.decimal128(12, 2))
    kinds = pa.array(rng.choice(["purchase", "payment", "fee"], int(offsets[-1])))
    transactions = pa.ListArray.from_arrays(pa.array(offsets),
                                            pa.StructArray.from_arrays([amounts, kinds], ["amount", "kind"]))
    balances = pa.array([Decimal(int(c)).scaleb(-2) for c in rng.integers(-200_000, 500_000, rows)],
                        pa.decimal128(12, 2))
    segments = rng.choice(["residential", "concession", "hardship", "business"], rows)
    names = rng.choice(["ada", "GRACE", "alan", "edsger"], rows)
    channels = pa.array(rng.choice(["email", "sms", None], rows))
    dates = pa.array(np.datetime64("2025-03-31") + rng.integers(0, 30, rows).astype("timedelta64[D]"))
    return pa.RecordBatch.from_pydict({
        "segment": segments, "first_name": names, "opening_balance": balances, "statement_date": dates,
        "preferred_channel": channels, "transactions": transactions})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=4096)
    parser.add_argument("--items", type=int, default=30, help="mean transactions per row")
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    batch = make_batch(args.rows, args.items)
    rules = RuleSet.from_dict(RULES)
    rules.evaluate(batch)  # compiles once for the schema
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        rules.evaluate(batch)
        times.append(time.perf_counter() - start)
    items = len(batch.column("transactions").values)
    print(f"{len(RULES['rules'])} rules over {args.rows} rows, {items} transactions: "
          f"median {np.median(times) * 1e3:.2f} ms, best {min(times) * 1e3:.2f} ms per batch")


if __name__ == "__main__":
    main()
