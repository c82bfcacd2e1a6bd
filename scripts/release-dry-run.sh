#!/usr/bin/env bash
# What the next release would be, without publishing or tagging anything here: in a throwaway
# clone of this repository, projen's bump (the next version from the conventional commits since
# the last release tag, and that release's CHANGELOG section), printed.
#
# 0.1.0 was published before the release path existed, from the commit in RELEASED_0_1_0
# (.projenrc.ts): a clone without the tag `v0.1.0` gets it there, so the bump starts from 0.1.0.
set -euo pipefail
cd "$(dirname "$0")/.."
released=${RELEASED_0_1_0:?set by the release:dry-run task (.projenrc.ts)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q --no-local . "$work/repo"
git tag --list 'v*' | while read -r tag; do git -C "$work/repo" tag -f "$tag" "$(git rev-list -n1 "$tag")" >/dev/null; done
if ! git -C "$work/repo" rev-parse -q --verify refs/tags/v0.1.0 >/dev/null; then
  git -C "$work/repo" tag v0.1.0 "$released"
  echo "::: tagged v0.1.0 at $released in the throwaway clone (the commit published as 0.1.0)"
fi
ln -s "$PWD/node_modules" "$work/repo/node_modules"
(cd "$work/repo" && npx projen bump >"$work/bump.log" 2>&1) || { cat "$work/bump.log"; exit 1; }
echo "::: last release: $(git -C "$work/repo" describe --tags --abbrev=0 --match 'v*')"
echo "::: next version: $(cat "$work/repo/dist/version.txt")  (tag $(cat "$work/repo/dist/releasetag.txt"))"
echo "::: its CHANGELOG section (dist/changelog.md):"
cat "$work/repo/dist/changelog.md"
