#!/usr/bin/env bash
# Build the Python wheel from the code jsii-pacmak generated (npx projen package:code) with the
# system Python's setuptools and wheel (Debian: python3-setuptools, python3-wheel), without build
# isolation: pacmak's own step pip-installs setuptools from PyPI, which this project cannot reach.
# Then install nothing, but byte-compile every module of the wheel, as pip would on install.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-/usr/bin/python3}
src=dist/code/python
[ -f "$src/setup.py" ] || { echo "no generated Python code in $src: run npx projen package:code" >&2; exit 1; }
out=dist/python
rm -rf "$out" && mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$src"/. "$work"/
# The generated pyproject.toml pins a setuptools from PyPI for isolated builds; build with the system's.
rm -f "$work/pyproject.toml"
(cd "$work" && "$PYTHON" setup.py --quiet bdist_wheel --dist-dir "$OLDPWD/$out" >"$work/build.log" 2>&1) || { cat "$work/build.log" >&2; exit 1; }
wheel=$(ls "$out"/*.whl)
unpacked="$work/unpacked"
"$PYTHON" -m zipfile -e "$wheel" "$unpacked"
"$PYTHON" -m compileall -q -f "$unpacked/cdk_threat_detection"
modules=$(find "$unpacked/cdk_threat_detection" -name '*.py' | wc -l)
compiled=$(find "$unpacked/cdk_threat_detection" -name '*.pyc' | wc -l)
[ "$modules" -gt 0 ] && [ "$modules" -eq "$compiled" ] || { echo "byte-compiled $compiled of $modules modules" >&2; exit 1; }
echo "$(basename "$wheel"): $(du -k "$wheel" | cut -f1) KB, $modules modules byte-compiled with $("$PYTHON" --version)"
