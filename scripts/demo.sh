#!/usr/bin/env bash
# The README's main job: each capability on a small example shipped in this repository.
set -euo pipefail
RW=${RW:-.venv/bin/repowright}
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
step "repowright sandbox check"
"$RW" sandbox check
step "repowright sandbox run -- python3 -c 'print(1)'"
"$RW" sandbox run -- python3 -c 'print(1)'
