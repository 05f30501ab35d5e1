"""(door, generated)"""

from spinedx._cli.main import main

__all__ = [
    "main",
]
