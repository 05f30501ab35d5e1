"""Run the CDS Hooks application on a socket (``spinedx serve``)."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from pathlib import Path

from spinedx._pathway import load_pathway


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (127.0.0.0/8, ::1 or localhost).

    Example:
        >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
        (True, True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(
    sources: Sequence[str | Path],
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    announce: Callable[[str], None] = print,
) -> None:
    """Load the pathways and serve them until interrupted.

    The socket is bound before the server starts, so that with ``port=0`` the
    port the system chose can be announced (``http://HOST:PORT/cds-services``).

    Raises:
        PathwayError: when a pathway does not load.
        OSError: when the address cannot be bound.
    """
    import uvicorn  # noqa: PLC0415  (an optional dependency: pip install spinedx[serve])

    from spinedx.contrib.cds_hooks.app import create_app  # noqa: PLC0415  (imports fastapi)

    app = create_app([load_pathway(source) for source in sources])
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
        bound = sock.getsockname()[1]
        shown = f"[{host.strip('[]')}]" if family == socket.AF_INET6 else host
        announce(f"serving {len(app.state.service_ids)} CDS Hooks service(s) at "
                 f"http://{shown}:{bound}/cds-services")  # fmt: skip
        config = uvicorn.Config(app, log_level="warning", access_log=False)
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
