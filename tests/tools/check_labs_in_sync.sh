#!/bin/sh
# Fails when the committed labs/ differs from what scripts/make-labs generates from solutions/.
set -eu
root=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$root/scripts/make-labs" --out "$tmp/labs"
if ! diff -r "$root/labs" "$tmp/labs"; then
    echo "labs/ is out of date with solutions/: run scripts/make-labs and commit labs/" >&2
    exit 1
fi
