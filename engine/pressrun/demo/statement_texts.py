"""The fixed texts of the demo bank statement (bench/STATEMENT.md).

Plain constants, defined once: the reference renderers
(bench/reference_statement.py) import them, and the pressrun template
(statement.yaml) is meant to carry the same strings. Every glyph here exists
in DejaVu Sans.
"""
from __future__ import annotations

BANK_NAME = "Acme Bank Ltd"
# Right-aligned under the logo on the first page, top to bottom.
RETURN_ADDRESS = ("Acme Bank Ltd", "GPO Box 1", "Sydney NSW 2001", "13 22 65 · acmebank.example")
FOOTER_TEXT = "Acme Bank Ltd ABN 11 222 333 444"
PAGE_NUMBER = "Page {page} of {pages}"
CONTINUATION_HEADER = "Account {account_number} · {first_name} {last_name}"

PERIOD_LABEL = "Statement period"
PERIOD_TEXT = "{period_start} to {period_end}"
ACCOUNT_LABEL = "Account number"
# The summary box, left to right.
SUMMARY_LABELS = ("Opening balance", "Total credits", "Total debits", "Closing balance")

# The transactions table.
TABLE_HEADINGS = ("Date", "Description", "Amount", "Balance")
CARRIED_FORWARD = "Balance carried forward"
BROUGHT_FORWARD = "Balance brought forward"
CLOSING_BALANCE = "Closing balance"
NO_TRANSACTIONS = "No transactions this period."

# The marketing paragraph under the summary box, chosen by `segment`
# (one or two lines at 9 pt across 170 mm).
SEGMENT_MESSAGES = {
    "residential": (
        "Save for what matters with Acme Bonus Saver: earn a bonus rate of interest in every month "
        "you deposit $200 and make no withdrawals. Open one in the Acme app in two minutes."
    ),
    "concession": (
        "Your Concession Everyday account has no monthly fee and free access to Acme ATMs across "
        "Australia. Ask us about the Low Rate card, with no annual fee for concession card holders."
    ),
    "small_business": (
        "Get paid faster with Acme Tap & Go: accept card payments on your phone, with settlement "
        "into this account on the same day. Call our business team on 13 22 66."
    ),
    "hardship": (
        "If you are finding it hard to keep up with payments, we are here to help. Call our "
        "Financial Assistance team on 1800 222 333, Monday to Friday, 8 am to 8 pm."
    ),
}
