"""Record real test-runner logs of the outcome suites (run once by hand; the logs are committed).

    PYTHONPATH=. python tests/data/swebench/logs/record_logs.py

Runs pytest (-rA, plain and coloured), unittest -v (the format Django's runner prints) and SymPy's
runner, `cargo test` and node's TAP reporter on suites whose outcomes are known by construction, in the sandbox, with a uv-built venv.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

from sandbox import Limits, Mount, make_sandbox

HERE = Path(__file__).resolve().parent
RUNS = {
    "pytest.log": "cd /work/suite && python -m pytest -rA -p no:cacheprovider tests/test_outcomes.py",
    "pytest_color.log": "cd /work/suite && python -m pytest -rA --color=yes -p no:cacheprovider tests/test_outcomes.py",
    "unittest_django_style.log": "cd /work/suite && python -m unittest -v tests.test_unit",
    "cargo.log": "cp -r /work/suite/rust /tmp/rust && cd /tmp/rust && cargo test --offline",
    "node_tap.log": "cd /work/suite/js && node --test --test-reporter=tap outcomes.test.mjs",
    "sympy.log": "cp -r $(python -c 'import sympy,os;print(os.path.dirname(sympy.__file__))') /tmp/sympy && "
                 "cp /work/suite/test_sympy_outcomes.py /tmp/sympy/core/tests/ && cd /tmp && "
                 "PYTHONPATH=/tmp python -c \"import sympy; sympy.test('sympy/core/tests/test_sympy_outcomes.py', verbose=True)\"",
}


def main() -> None:
    venv = Path(tempfile.mkdtemp(prefix="logrec-")) / "venv"
    uv = str(Path(sys.executable).parent / "uv")
    subprocess.run([uv, "venv", "-q", "--python", "/root/.pyenv/versions/3.9.18/bin/python", str(venv)], check=True)
    subprocess.run([uv, "pip", "install", "-q", "--python", str(venv / "bin/python"), "--exclude-newer",
                    "2024-06-01T00:00:00Z", "pytest", "sympy==1.12"], check=True)
    sb = make_sandbox("docker")
    only = sys.argv[1:]
    for name, cmd in RUNS.items():
        if only and name not in only:
            continue
        with sb.session(limits=Limits(timeout=300), mounts=[Mount(str(venv), str(venv))],
                        env={"PATH": f"{venv}/bin:/root/.cargo/bin:/usr/bin:/bin"}) as sess:
            sess.put_directory(HERE / "suite", "/work/suite")
            result = sess.exec(cmd + " 2>&1")
            (HERE / name).write_text(result.stdout)
            print(name, result.exit_code)


if __name__ == "__main__":
    main()
