"""Reference data shipped with Kabar: sources.csv, agencies.csv and the offline demo site.

``SEEDS_DIR`` is the one place every layer finds them.
"""

from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parent

__all__ = ["SEEDS_DIR"]
