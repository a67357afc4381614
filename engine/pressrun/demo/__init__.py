"""The bundled example: a personalised customer letter and its seeded data."""
from .assets import write_demo_assets
from .letters import SCHEMA, iter_letter_batches, make_letters, write_demo_data

__all__ = ["SCHEMA", "iter_letter_batches", "make_letters", "write_demo_assets", "write_demo_data"]
