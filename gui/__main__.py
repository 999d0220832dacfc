"""``python -m migready.gui [INVENTORY|WORKSPACE] [--dark]``, or ``--screenshots DIR`` (the developer tool)."""
import sys

if "--screenshots" in sys.argv[1:]:
    import argparse
    from pathlib import Path

    from .screenshots import take
    parser = argparse.ArgumentParser(prog="python -m migready.gui --screenshots")
    parser.add_argument("--screenshots", metavar="DIR", type=Path, required=True,
                        help="render every page (light and dark) to PNG files in DIR, then exit")
    sys.exit(take(parser.parse_args().screenshots))

from .app import main  # noqa: E402

sys.exit(main())
