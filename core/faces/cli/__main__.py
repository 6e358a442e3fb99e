"""``python -m core.faces.cli``: the same as the ``govhall`` command."""

import sys

from core.faces.cli import main

sys.exit(main())
