"""Where the folders GovHall ships beside ``core/`` are: ``forms/``, ``schemas/`` and ``web/``.

In a source checkout they are the repository's own folders. An installed wheel carries them as
package data under ``core/shipped/`` (``setup.py`` copies them there when the wheel is built), and
they are found through :mod:`importlib.resources`, never through a path into site-packages' parent.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]
SHIPPED = ("forms", "schemas", "web")


def shipped_dir(name: str) -> Path:
    """The folder ``forms``, ``schemas`` or ``web``: the wheel's copy if this is an installed
    package, else the checkout's."""
    if name not in SHIPPED:
        raise ValueError(f"not a shipped folder: {name}")
    installed = files("core").joinpath("shipped", name)
    if installed.is_dir():
        return Path(str(installed))
    return CHECKOUT / name
