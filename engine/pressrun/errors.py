"""The exceptions pressrun raises: one base class, one subclass per kind of input."""


class PressrunError(Exception):
    """Anything pressrun reports about its input or its run."""


class TemplateError(PressrunError):
    """A template that cannot be used: bad syntax, bad value, bad reference."""


class DataError(PressrunError):
    """Customer data that does not fit the template."""


class RuleError(PressrunError):
    """A rules file that cannot be used: bad syntax, unknown column or function, wrong types."""


class FontError(PressrunError):
    """A font that cannot be found or read."""


class ImageError(PressrunError):
    """An image that cannot be found or decoded."""


class ReconciliationError(PressrunError):
    """A job whose counts do not add up: input != composed + suppressed + exceptions."""


class NativeError(PressrunError):
    """A failure reported by the native core with no more specific kind."""


class ProfileError(PressrunError):
    """A production profile (printer, stocks, envelopes, inserter, streams) that cannot be used."""
