#!/usr/bin/env bash
# Create the virtualenv and install repowright with its extras. torch is pinned to the CPU build first,
# so that nothing later pulls a multi-GB CUDA torch.
set -euo pipefail
VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}
command -v curl >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl >/dev/null; }
command -v ctags >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq universal-ctags >/dev/null; }
if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null 2>&1 || true
"$VENV/bin/python" -c "import torch" 2>/dev/null || { echo "setup: installing torch==2.13.0 (CPU)"; "$VENV/bin/pip" install -q torch==2.13.0; }
echo "setup: installing repowright and its dependencies"
"$VENV/bin/pip" install -q -e '.[dev,fuzz]'
touch "$VENV/.installed"
