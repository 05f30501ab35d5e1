"""``spinedx serve``: the pathways as CDS Hooks 2.0 services, over HTTP.

The server itself lives in ``spinedx.contrib.cds_hooks``, one layer below the
command line in the import contract. The handler imports it when the command
runs, so ``import spinedx`` and every other command never load it (and FastAPI
and uvicorn are needed only then: ``pip install spinedx[serve]``).
"""

from __future__ import annotations

import argparse
import sys
from typing import Protocol, TextIO

from spinedx._diagnostics import PathwayError

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
_REMOTE = (
    "listen on an address other hosts can reach. The services do not authenticate the EHR "
    "(no JWT check) and answer with clinical advice about the patients sent to them, so by "
    "default only this machine may call them; put them behind a proxy that authenticates "
    "callers and encrypts the traffic before allowing remote access"
)


class _Server(Protocol):
    def is_loopback(self, host: str) -> bool: ...

    def serve(self, sources: list[str], *, host: str, port: int, announce: _Announce) -> None: ...


class _Announce(Protocol):
    def __call__(self, line: str) -> None: ...


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``spinedx serve`` to the command line."""
    serve = commands.add_parser(
        "serve",
        help="serve pathways as CDS Hooks 2.0 patient-view services (needs spinedx[serve])",
        description="Serve each pathway as a CDS Hooks 2.0 patient-view service: discovery at "
        "GET /cds-services, calls at POST /cds-services/{id}. Runs until interrupted (Ctrl-C).",
    )
    serve.add_argument("pathways", nargs="+", metavar="PATHWAY", help="a pathway folder")
    serve.add_argument(
        "--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1)"
    )
    serve.add_argument(
        "--port", type=int, default=0, help="the port (default: 0, any free port; it is printed)"
    )
    serve.add_argument("--allow-remote", action="store_true", help=_REMOTE)
    serve.set_defaults(handler=_serve)


def _serve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if not 0 <= args.port <= 65535:
        err.write(f"spinedx serve: --port {args.port} is not a port (0 to 65535)\n")
        return EXIT_USAGE
    from spinedx.contrib import cds_hooks  # noqa: PLC0415  (only this command needs it)

    server: _Server = cds_hooks
    if not args.allow_remote and not server.is_loopback(args.host):
        err.write(
            f"spinedx serve: {args.host} is not a loopback address; the services do not "
            "authenticate callers, so add --allow-remote only behind an authenticating proxy\n"
        )
        return EXIT_USAGE
    try:
        server.serve(list(args.pathways), host=args.host, port=args.port, announce=_announce)
    except ImportError as error:  # FastAPI and uvicorn are imported by serve() only
        err.write(f"spinedx serve: {error.name or error} is not installed; "
                  "pip install 'spinedx[serve]'\n")  # fmt: skip
        return EXIT_PROBLEMS
    except PathwayError as error:
        err.write(error.render() + "\n")
        return EXIT_PROBLEMS
    except OSError as error:
        err.write(f"spinedx serve: cannot listen on {args.host}:{args.port}: {error.strerror}\n")
        return EXIT_PROBLEMS
    return EXIT_OK


def _announce(line: str) -> None:
    """Say where the server listens, now: the command writes its output at exit, and a
    server runs until it is stopped, so the address cannot wait for that."""
    sys.stdout.write(f"spinedx: {line}\n")
    sys.stdout.flush()
