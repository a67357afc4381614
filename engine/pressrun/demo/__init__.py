"""The bundled examples: a personalised customer letter and a bank statement, with their seeded data."""
from . import statement_texts
from .assets import write_demo_assets
from .letters import SCHEMA, iter_letter_batches, make_letters, write_demo_data
from .statements import STATEMENT_SCHEMA, iter_statement_batches, make_statements, write_statement_data

__all__ = [
    "SCHEMA", "iter_letter_batches", "make_letters", "write_demo_assets", "write_demo_data",
    "STATEMENT_SCHEMA", "iter_statement_batches", "make_statements", "write_statement_data",
    "statement_texts",
]
