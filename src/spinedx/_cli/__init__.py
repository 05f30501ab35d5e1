"""(door, generated)"""

from spinedx._cli.app import main

__all__ = [
    "main",
]
