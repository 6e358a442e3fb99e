"""House rules a reviewer would otherwise have to remember, checked over the shipped code (core/ and
plugins/, without tests and migrations)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.helpers import parse_python

ROOT = Path(__file__).resolve().parent.parent
MAX_POSITIONAL = 4


def shipped_modules() -> list[Path]:
    found = [*sorted((ROOT / "core").rglob("*.py")), *sorted((ROOT / "plugins").rglob("*.py"))]
    return [p for p in found if "tests" not in p.parts and "migrations" not in p.parts]


def project_callables(files: list[Path]) -> set[str]:
    """Names of the functions and classes the project defines that take a fixed number of
    positional arguments (a function with ``*args`` is called with as many as it likes)."""
    names: set[str] = set()
    for path in files:
        for node in ast.walk(parse_python(path)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.args.vararg is None:
                names.add(node.name)
            elif isinstance(node, ast.ClassDef):
                names.add(node.name)
    return names


def callee(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def long_positional_calls(files: list[Path]) -> list[str]:
    """``path:line name()`` of every call of a project function with more than four positional
    arguments."""
    ours = project_callables(files)
    found = []
    for path in files:
        for node in ast.walk(parse_python(path)):
            if not isinstance(node, ast.Call) or callee(node.func) not in ours:
                continue
            positional = [a for a in node.args if not isinstance(a, ast.Starred)]
            if len(positional) > MAX_POSITIONAL:
                found.append(f"{path.name}:{node.lineno} {callee(node.func)}()")
    return found


def test_calls_with_more_than_four_arguments_name_them() -> None:
    offenders = long_positional_calls(shipped_modules())
    assert not offenders, "name the arguments of these calls (keyword arguments):\n" + "\n".join(offenders)


def test_the_check_finds_a_long_positional_call_and_passes_varargs(tmp_path: Path) -> None:
    module = tmp_path / "sample.py"
    module.write_text(
        "def f(a, b, c, d, e): ...\n"
        "def g(*roles): ...\n"
        "f(1, 2, 3, 4, 5)\n"
        "f(1, 2, 3, 4, e=5)\n"
        "g(1, 2, 3, 4, 5)\n",
        "utf-8",
    )
    assert long_positional_calls([module]) == ["sample.py:3 f()"]
