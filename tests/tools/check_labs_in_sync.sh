#!/bin/sh
# Instructor repository only: fails when the committed labs/ differs from what
# scripts/make-labs generates from solutions/ (the two editions must not drift).
set -eu
root=$1
if ! "$root/scripts/make-labs" --check "$root/labs"; then
    echo "labs/ is out of date with solutions/. Maintainers, in the instructor repository:" >&2
    echo "scripts/make-labs regenerates labs/ from solutions/ (add --force to replace files that differ;" >&2
    echo "each is kept in a backup folder), then commit labs/." >&2
    exit 1
fi
