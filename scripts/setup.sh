#!/usr/bin/env bash
# Create the virtualenv and install repowright with its extras. torch is pinned to the CPU build first,
# so that nothing later pulls a multi-GB CUDA torch.
set -euo pipefail
VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}
# System tools the tests and benchmarks use: curl (engine probe), ctags (coverage checks), git and patch
# (SWE-bench patch application), gcc (C builds in the sandbox, mounted from the host).
missing=()
for pair in curl:curl ctags:universal-ctags git:git patch:patch gcc:gcc; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null 2>&1 || true
"$VENV/bin/python" -c "import torch" 2>/dev/null || { echo "setup: installing torch==2.13.0 (CPU)"; "$VENV/bin/pip" install -q torch==2.13.0; }
echo "setup: installing repowright and its dependencies (Ray too: the test suite runs a multi-node cluster; lightgbm for evals/locate_gbm.py)"
"$VENV/bin/pip" install -q -e '.[dev,fuzz,ray,train]'
touch "$VENV/.installed"
