#!/usr/bin/env bash
# Install one cell of the versions matrix (compat/<cell>: package.json and its lockfile) outside
# the repository, where the compat jest config reads it. Outside, because jsii-docgen reads every
# .jsii under the project: a newer aws-cdk-lib in the tree would change API.md.
set -euo pipefail
cd "$(dirname "$0")/.."
cell=${1:?usage: compat-install.sh <cell under compat/>}
dir="${CDK_THREAT_DETECTION_COMPAT_DIR:-${TMPDIR:-/tmp}/cdk-threat-detection-compat}/$cell"
mkdir -p "$dir"
cp "compat/$cell/package.json" "compat/$cell/package-lock.json" "$dir/"
(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
