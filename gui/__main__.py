"""``python -m migready.gui [INVENTORY|WORKSPACE] [--dark] [--screenshots DIR]``."""
import sys

from .app import main

sys.exit(main())
