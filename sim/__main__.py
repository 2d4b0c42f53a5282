"""``python -m sim``: the ``tabletop`` command."""

import sys

from sim.cli import main

sys.exit(main())
