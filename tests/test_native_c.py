"""The C unit tests of native/tests, built with AddressSanitizer + UBSan."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NATIVE = ROOT / "native"
TESTS = sorted((NATIVE / "tests").glob("test_*.c"))
SANITIZE = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer"]


def _libdeflate_flags() -> list[str]:
    probe = subprocess.run(["gcc", "-x", "c", "-", "-o", "/dev/null", "-ldeflate"],
                           input="#include <libdeflate.h>\nint main(void){return 0;}\n",
                           capture_output=True, text=True)
    return ["-DPR_HAVE_LIBDEFLATE", "-ldeflate"] if probe.returncode == 0 else []


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory) -> Path:
    if shutil.which("gcc") is None:
        pytest.skip("no gcc")
    return tmp_path_factory.mktemp("native-tests")


def test_core_compiles_warning_free_alone(build_dir):
    """native/ builds on its own, as plain C11, with -Wall -Wextra -Werror."""
    for source in sorted(NATIVE.glob("*.c")):
        result = subprocess.run(
            ["gcc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-O2", "-c", str(source),
             "-o", str(build_dir / (source.stem + ".o"))] + _libdeflate_flags()[:1],
            capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("test_source", TESTS, ids=[t.stem for t in TESTS])
def test_native_unit_tests_pass_under_sanitizers(build_dir, test_source):
    binary = build_dir / test_source.stem
    deflate = _libdeflate_flags()
    command = (["gcc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-g", "-O1", *SANITIZE,
                f"-I{NATIVE}", str(test_source)]
               + [str(p) for p in sorted(NATIVE.glob("*.c"))]
               + ["-o", str(binary), "-lz", "-lm"] + deflate)
    built = subprocess.run(command, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    ran = subprocess.run([str(binary), str(ROOT), str(build_dir / (test_source.stem + ".pdf"))],
                         capture_output=True, text=True, timeout=600,
                         env={"ASAN_OPTIONS": "detect_leaks=1", "PATH": "/usr/bin:/bin"})
    assert ran.returncode == 0, ran.stdout[-4000:] + ran.stderr[-4000:]
    assert " 0 failed" in ran.stdout
