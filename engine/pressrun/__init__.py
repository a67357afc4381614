"""pressrun: a high-throughput composition engine for customer communications.

    import pressrun
    report = pressrun.compose(table, template="letter.yaml", out="letters.pdf")
"""
from .errors import DataError, FontError, ImageError, PressrunError, TemplateError
from .job import Progress, compose
from .template import Template, load_template

__all__ = [
    "compose", "Progress", "Template", "load_template",
    "PressrunError", "TemplateError", "DataError", "FontError", "ImageError",
]
__version__ = "0.1.0"
