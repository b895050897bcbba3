#!/usr/bin/env bash
# The README's main job: each capability on a small example shipped in this repository, no model needed.
set -euo pipefail
RW=${RW:-.venv/bin/repowright}
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "repowright sandbox check"
"$RW" sandbox check

step "repowright map examples/minicart"
"$RW" map examples/minicart

step "repowright locate examples/minicart --issue-file examples/minicart-issue.md --top 5"
"$RW" locate examples/minicart --issue-file examples/minicart-issue.md --top 5

step "repowright translate plan examples/c2rust/c"
"$RW" translate plan examples/c2rust/c

step "repowright translate verify --c examples/c2rust/c --rust examples/c2rust/rust"
"$RW" translate verify --c examples/c2rust/c --rust examples/c2rust/rust

step "repowright constraints torch.nn.functional.conv2d torch.gather torch.nn.functional.dropout"
"$RW" constraints torch.nn.functional.conv2d torch.gather torch.nn.functional.dropout

step "repowright fuzz (a one-minute campaign on five torch APIs)"
"$RW" fuzz torch.nn.functional.max_pool1d torch.nn.functional.conv2d torch.nn.functional.interpolate torch.clamp torch.gather \
  --inputs-per-api 60 --time-budget 45 --out .repowright/demo-fuzz
