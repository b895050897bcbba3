"""What a repository path is for, by its name: tests, test modules, and auxiliary files (docs, examples, scripts).

- TEST_PATH: anything that looks like test code, including folders named `test` or `testing` (a hint for
  rankers, which may still be wrong: `django/test/` and `numpy/testing/` are library code);
- TEST_MODULE: files that are certainly tests (in a `tests/` folder, `test_*`, `*_test.*`, `conftest.py`):
  localisation does not rank them, because an issue is fixed in the code under test;
- AUX_PATH: documentation, examples, benchmarks, scripts and build or configuration files.
"""

from __future__ import annotations

import re

TEST_PATH = re.compile(r"(^|/)(tests?|testing)(/|$)|(^|/)test_[^/]*$|_test\.\w+$|(^|/)conftest\.py$")
TEST_MODULE = re.compile(r"(^|/)tests/|(^|/)test_[^/]*$|_test\.\w+$|(^|/)conftest\.py$")
AUX_PATH = re.compile(r"(^|/)(docs?|examples?|benchmarks?|scripts)(/|$)|(^|/)(setup|conf|noxfile)\.py$")
