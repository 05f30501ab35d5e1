"""``python -m spinedx``: the same commands as the ``spinedx`` script."""

import sys

from spinedx._cli import main

sys.exit(main())
