#!/usr/bin/env bash
# Installs what the tests need and runs them: the test command of README.md,
# and what CI runs (.ci/run). Works on a fresh Debian machine.
#   1. system packages: fonts, libdeflate, qpdf, poppler, zint and Apache FOP
#      (reference tools)
#   2. pressrun from its sdist, with its test extras (compiles the extension)
#   3. the whole suite, then the native-boundary and bad-input tests again
#      against an AddressSanitizer + UBSan build of the extension
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for package in fonts-dejavu-core libdeflate-dev qpdf poppler-utils zint fop; do
  dpkg -s "$package" >/dev/null 2>&1 || need+=("$package")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
  else
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
  fi
fi

python -m pip install --quiet --upgrade pip
python -m pip install --quiet "cython>=3" setuptools wheel
# Installed from the source distribution, which proves it carries every source.
rm -rf dist
python setup.py --quiet sdist --dist-dir dist
python -m pip install --quiet --force-reinstall --no-deps dist/pressrun-*.tar.gz
python -m pip install --quiet "$(ls dist/pressrun-*.tar.gz)[test]"

# The tests import the installed package (with its compiled extension):
# the source package lives under engine/, which is not on the path.
python -m pytest -q tests "$@"

# The same core built with AddressSanitizer + UBSan, loaded into Python.
asan_dir=build/asan
rm -rf "$asan_dir" && mkdir -p "$asan_dir"
cp -r engine/pressrun "$asan_dir/"
PRESSRUN_SANITIZE=1 python setup.py --quiet build_ext --build-lib "$asan_dir" --build-temp "$asan_dir/tmp"
PYTHONPATH="$asan_dir" \
# libstdc++ is preloaded too: ASan's __cxa_throw interceptor needs it from
# the start, or the first C++ exception in pikepdf (qpdf) aborts the process.
LD_PRELOAD="$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libstdc++.so)" \
ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
PRESSRUN_EXPECT_SANITIZED=1 \
  python -m pytest -q -p no:cacheprovider -m native_boundary tests
