"""Build hook: the wheel carries the repository's ``forms/``, ``schemas/`` and ``web/`` folders as
package data under ``core/shipped/`` (found at run time by :func:`core.plumbing.resources.shipped_dir`).
Everything else about the package is in pyproject.toml."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHIPPED = ("forms", "schemas", "web")


class BuildWithShippedFolders(build_py):
    def run(self) -> None:
        # setuptools reuses build/lib between builds: a module removed or excluded since (the plugins'
        # tests) would still go into the wheel; each build starts from an empty folder instead
        shutil.rmtree(self.build_lib, ignore_errors=True)
        super().run()
        for name in SHIPPED:
            target = Path(self.build_lib) / "core" / "shipped" / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(ROOT / name, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "node_modules"))


setup(cmdclass={"build_py": BuildWithShippedFolders})
