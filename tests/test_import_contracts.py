"""The import contracts in pyproject.toml ([tool.importlinter]) hold: plugins reach the core only
through core.api and never each other, the core never imports plugins, and the core's modules form
layers without an import cycle. Also: every name the plugin API exports is documented."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import core.api

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(cwd: Path, pythonpath: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, env={"PYTHONPATH": pythonpath, "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=120,
    )


def test_the_import_contracts_are_kept():
    done = lint_imports(ROOT, str(ROOT))
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"Contracts: (\d+) kept, 0 broken", done.stdout)
    for name in ("through core.api", "another plugin", "does not import plugins", "no import cycle", "layers"):
        assert re.search(rf"{name}.* KEPT", done.stdout), name


def _config_without_unmatched_alerts() -> str:
    """The project's contracts, tolerant of ignore rules that match nothing in a small tree."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["importlinter"]
    lines = ["[tool.importlinter]", f"root_packages = {config['root_packages']!r}".replace("'", '"'),
             "exclude_type_checking_imports = true"]
    for contract in config["contracts"]:
        if contract["type"] != "forbidden":
            continue
        lines.append("[[tool.importlinter.contracts]]")
        for key, value in {**contract, "unmatched_ignore_imports_alerting": "none"}.items():
            lines.append(f"{key} = {value!r}".replace("'", '"').replace("True", "true"))
    return "\n".join(lines) + "\n"


def test_a_plugin_reaching_a_core_internal_breaks_the_contract(tmp_path):
    """The same contracts on a tree whose one plugin imports core.services.cases: lint-imports fails and names it."""
    bad = tmp_path / "plugins" / "bad"
    bad.mkdir(parents=True)
    (tmp_path / "plugins" / "__init__.py").write_text("")
    (bad / "__init__.py").write_text("from core.api import hookimpl\nfrom core.services.cases import load_visible_case\n")
    shutil.copytree(ROOT / "core", tmp_path / "core", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "pyproject.toml").write_text(_config_without_unmatched_alerts())
    done = lint_imports(tmp_path, str(tmp_path))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "plugins.bad -> core.services.cases" in done.stdout
    assert "plugins.bad -> core.api" not in done.stdout


def test_every_api_name_is_documented():
    docs = (ROOT / "docs" / "plugins.md").read_text("utf-8")
    missing = [name for name in core.api.__all__ if f"`{name}" not in docs]
    assert not missing, f"docs/plugins.md does not mention {missing}"
    assert all(hasattr(core.api, name) for name in core.api.__all__)
