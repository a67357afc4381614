"""Builds pressrun's one extension module: bindings/*.pyx + native/*.c.

Environment switches:
  PRESSRUN_SANITIZE=1   build with AddressSanitizer + UBSan (tests load it
                        with LD_PRELOAD of libasan; see .ci/run)
  PRESSRUN_DEFLATE=zlib force zlib even when libdeflate is installed
"""
import glob
import os
import shutil
import subprocess
import sys
import tempfile

from Cython.Build import cythonize
from setuptools import Extension, setup

HERE = os.path.dirname(os.path.abspath(__file__))


def compiles_with(header, library):
    """Whether a tiny program including `header` links against `library`."""
    compiler = os.environ.get("CC", "cc")
    if shutil.which(compiler) is None:
        return False
    with tempfile.TemporaryDirectory() as tmp:
        source = os.path.join(tmp, "probe.c")
        with open(source, "w") as f:
            f.write(f"#include <{header}>\nint main(void) {{ return 0; }}\n")
        result = subprocess.run(
            [compiler, source, "-o", os.path.join(tmp, "probe"), f"-l{library}"],
            capture_output=True,
        )
        return result.returncode == 0


def native_sources():
    return sorted(os.path.relpath(p, HERE) for p in glob.glob(os.path.join(HERE, "native", "*.c")))


define_macros = []
libraries = ["z", "m"]
# libdeflate is about twice as fast as zlib at the same ratio; zlib stays the fallback.
if os.environ.get("PRESSRUN_DEFLATE") != "zlib" and compiles_with("libdeflate.h", "deflate"):
    define_macros.append(("PR_HAVE_LIBDEFLATE", "1"))
    libraries.insert(0, "deflate")
    print("pressrun: using libdeflate", file=sys.stderr)
else:
    print("pressrun: libdeflate not found, using zlib", file=sys.stderr)

extra_compile_args = ["-std=c11", "-O2", "-pthread", "-Wall", "-Wextra", "-Wno-unused-function"]
# The PDF writer deflates queued pages on a few threads of its own.
extra_link_args = ["-pthread"]
if os.environ.get("PRESSRUN_SANITIZE") == "1":
    flags = ["-fsanitize=address,undefined", "-fno-omit-frame-pointer", "-g", "-O1"]
    extra_compile_args += flags
    extra_link_args += ["-fsanitize=address,undefined"]

extension = Extension(
    "pressrun._native",
    sources=["bindings/_native.pyx"] + native_sources(),
    include_dirs=["native"],
    define_macros=define_macros,
    libraries=libraries,
    extra_compile_args=extra_compile_args,
    extra_link_args=extra_link_args,
)

setup(
    ext_modules=cythonize(
        [extension],
        language_level=3,
        compiler_directives={"boundscheck": False, "wraparound": False},
    ),
)
