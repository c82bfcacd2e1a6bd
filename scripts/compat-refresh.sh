#!/usr/bin/env bash
# Move the versions matrix's newest cell (compat/latest) to today's newest aws-cdk-lib, constructs,
# cdk-nag 3 and cdk-nag 2 from the registry, and pin them with a fresh lockfile. Review the diff,
# run `npx projen test:compat`, and commit both files.
set -euo pipefail
cd "$(dirname "$0")/../compat/latest"
# The highest release in a range (npm view lists matching versions in no useful order).
newest() {
  npm view "$1" version --json | node -e '
    const v = [].concat(JSON.parse(require("fs").readFileSync(0, "utf8"))).filter((x) => /^\d+\.\d+\.\d+$/.test(x));
    const key = (x) => x.split(".").map(Number);
    v.sort((a, b) => { const [p, q] = [key(a), key(b)]; return p[0] - q[0] || p[1] - q[1] || p[2] - q[2]; });
    console.log(v[v.length - 1]);'
}
cdk=$(newest aws-cdk-lib)
constructs=$(newest constructs)
nag3=$(newest 'cdk-nag@3')
nag2=$(newest 'cdk-nag@2')
node -e '
  const fs = require("fs");
  const [cdk, constructs, nag3, nag2] = process.argv.slice(1);
  const p = JSON.parse(fs.readFileSync("package.json", "utf8"));
  p.dependencies = { "aws-cdk-lib": cdk, constructs, "cdk-nag": nag3, "cdk-nag-2": `npm:cdk-nag@${nag2}` };
  fs.writeFileSync("package.json", JSON.stringify(p, null, 2) + "\n");
' "$cdk" "$constructs" "$nag3" "$nag2"
npm install --package-lock-only --ignore-scripts --no-audit --no-fund --loglevel=error
echo "compat/latest: aws-cdk-lib $cdk, constructs $constructs, cdk-nag $nag3 and $nag2"
