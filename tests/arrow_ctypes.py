"""Hand-built Arrow C Data Interface structs, for feeding the core malformed data.

pyarrow never exports a broken array, so to prove that the core rejects one
(instead of reading out of bounds) the tests build the structs themselves.
"""
from __future__ import annotations

import ctypes

_RELEASE = ctypes.CFUNCTYPE(None, ctypes.c_void_p)


class ArrowSchema(ctypes.Structure):
    pass


ArrowSchema._fields_ = [
    ("format", ctypes.c_char_p), ("name", ctypes.c_char_p), ("metadata", ctypes.c_char_p),
    ("flags", ctypes.c_int64), ("n_children", ctypes.c_int64),
    ("children", ctypes.POINTER(ctypes.POINTER(ArrowSchema))),
    ("dictionary", ctypes.POINTER(ArrowSchema)),
    ("release", _RELEASE), ("private_data", ctypes.c_void_p),
]


class ArrowArray(ctypes.Structure):
    pass


ArrowArray._fields_ = [
    ("length", ctypes.c_int64), ("null_count", ctypes.c_int64), ("offset", ctypes.c_int64),
    ("n_buffers", ctypes.c_int64), ("n_children", ctypes.c_int64),
    ("buffers", ctypes.POINTER(ctypes.c_void_p)),
    ("children", ctypes.POINTER(ctypes.POINTER(ArrowArray))),
    ("dictionary", ctypes.POINTER(ArrowArray)),
    ("release", _RELEASE), ("private_data", ctypes.c_void_p),
]

_noop = _RELEASE(lambda pointer: None)
_capsule_new = ctypes.pythonapi.PyCapsule_New
_capsule_new.restype = ctypes.py_object
_capsule_new.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
_SCHEMA_NAME = ctypes.c_char_p(b"arrow_schema")
_ARRAY_NAME = ctypes.c_char_p(b"arrow_array")


class Batch:
    """A struct array (record batch) of hand-made columns, kept alive with
    everything its pointers reach."""

    def __init__(self, length: int):
        self.length = length
        self.columns: list[tuple[ArrowSchema, ArrowArray]] = []
        self._keep: list = []

    def column(self, name: str, fmt: str, buffers: list, length: int | None = None,
               offset: int = 0, dictionary: tuple | None = None, null_count: int = 0):
        """buffers: bytes objects or None (a NULL pointer)."""
        schema = ArrowSchema(format=fmt.encode(), name=name.encode(), metadata=None, flags=2,
                             n_children=0, children=None, dictionary=None, release=_noop)
        pointers = (ctypes.c_void_p * len(buffers))()
        for i, buffer in enumerate(buffers):
            if buffer is not None:
                holder = ctypes.create_string_buffer(bytes(buffer), len(buffer) or 1)
                self._keep.append(holder)
                pointers[i] = ctypes.cast(holder, ctypes.c_void_p)
        array = ArrowArray(length=self.length if length is None else length,
                           null_count=null_count, offset=offset,
                           n_buffers=len(buffers), n_children=0, buffers=pointers,
                           children=None, dictionary=None, release=_noop)
        if dictionary is not None:
            dict_schema, dict_array = dictionary
            schema.dictionary = ctypes.pointer(dict_schema)
            array.dictionary = ctypes.pointer(dict_array)
            self._keep.append(dictionary)
        self._keep += [pointers, schema, array]
        self.columns.append((schema, array))
        return schema, array

    def capsules(self):
        count = len(self.columns)
        child_schemas = (ctypes.POINTER(ArrowSchema) * count)(
            *[ctypes.pointer(schema) for schema, _ in self.columns])
        child_arrays = (ctypes.POINTER(ArrowArray) * count)(
            *[ctypes.pointer(array) for _, array in self.columns])
        top_buffers = (ctypes.c_void_p * 1)()
        schema = ArrowSchema(format=b"+s", name=b"", metadata=None, flags=0, n_children=count,
                             children=child_schemas, dictionary=None, release=_noop)
        array = ArrowArray(length=self.length, null_count=0, offset=0, n_buffers=1,
                           n_children=count, buffers=top_buffers, children=child_arrays,
                           dictionary=None, release=_noop)
        self._keep += [child_schemas, child_arrays, top_buffers, schema, array]
        return (_capsule_new(ctypes.addressof(schema), _SCHEMA_NAME, None),
                _capsule_new(ctypes.addressof(array), _ARRAY_NAME, None))


def int32s(*values: int) -> bytes:
    return b"".join(v.to_bytes(4, "little", signed=True) for v in values)
