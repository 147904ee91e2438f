#!/usr/bin/env bash
# setup.sh — Gradescope runs this once, as root, when it builds the autograder's image
# (Ubuntu; the bundle is unpacked in /autograder/source). It installs what the image lacks,
# fetches MNIST, builds nnlab-grade and warms the grading build tree, so that grading a
# submission only compiles the student's lab files.
#
# Written for Gradescope's Ubuntu 22.04 and 24.04 images; it could not be run against them
# where it was written (no network there): read the log of the first image build.
set -euo pipefail
root=${NNLAB_AUTOGRADER_ROOT:-/autograder}
src=$root/source
export DEBIAN_FRONTEND=noninteractive

apt-get update -qq
apt-get install -y -qq make g++ libgtest-dev zlib1g-dev libcli11-dev nlohmann-json3-dev libpng-dev \
    python3 python3-pip ca-certificates npm
# C++20 as the labs use it: g++ 12 where the image's default is older (22.04 has 11).
if apt-get install -y -qq g++-12 >/dev/null 2>&1; then
  export CXX=g++-12
fi

# CMake ≥ 3.25 (22.04 ships 3.22): Kitware's wheel from PyPI when the image's is older.
version_of() { "$1" --version 2>/dev/null | sed -n 's/^cmake version \([0-9][0-9]*\.[0-9][0-9]*\).*/\1/p'; }
have=$(version_of cmake || true)
if [ -z "$have" ] || [ "$(printf '%s\n' 3.25 "$have" | sort -V | head -n 1)" != 3.25 ]; then
  python3 -m pip install --quiet 'cmake>=3.25,<4' || python3 -m pip install --quiet --break-system-packages 'cmake>=3.25,<4'
  hash -r
fi
echo "setup: $(cmake --version | head -n 1), ${CXX:-g++}"

# MNIST for the tests of the labs that train (verified by SHA-256).
cmake -P "$src/data/fetch.cmake" mnist

# nnlab-grade, and the grading tree built once against the released stubs.
cmake -S "$src" -B "$root/grade-tool" -DNNLAB_EDITION=labs -DNNLAB_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=Release
cmake --build "$root/grade-tool" --target nnlab-grade -j 2
empty=$(mktemp -d)
"$root/grade-tool/bin/nnlab-grade" --source "$src" --manifest "$src/labs.json" --submission "$empty" \
    --build-dir "$root/grade-tree" >/dev/null
rmdir "$empty"
echo "setup: done"
