"""``python -m kabar``: the same command line as ``kabar``."""

from __future__ import annotations

import sys

from kabar.cli import main

sys.exit(main())
