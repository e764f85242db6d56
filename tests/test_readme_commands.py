"""The README promises two commands; CI must run exactly the test one."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _test_command() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- test-command -->\s*```sh\n(.+?)\n```", readme, re.S)
    assert block, "README.md must mark its test command with <!-- test-command -->"
    return block.group(1).strip()


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    lines = [line.strip() for line in ci.splitlines()]
    assert _test_command() in lines


def test_readme_install_command_launches_the_entry_point():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install -e . && hornbook" in readme
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'hornbook = "gui.__main__:main"' in pyproject
