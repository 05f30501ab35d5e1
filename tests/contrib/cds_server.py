"""The CDS Hooks test server: the shipped pathway served by uvicorn on 127.0.0.1 in a thread.

Every wait is bounded by a count of polls; the server stops when its ``with`` ends.
"""

from __future__ import annotations

import datetime
import socket
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import uvicorn

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "pathways" / "spinal_tumor"
SERVICE = "spinal-tumor-diagnosis"
TODAY = datetime.date(2024, 5, 1)
POLLS = 400  # at most this many short waits for a server to start


class ThreadServer:
    """uvicorn on a socket bound to 127.0.0.1:0, run in a thread, stopped on exit."""

    def __init__(self, app: Any) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def __enter__(self) -> str:
        self.thread.start()
        for _ in range(POLLS):
            if self.server.started:
                return self.url
            time.sleep(0.025)
        raise RuntimeError("the test server did not start")

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.sock.close()


def cds_request(patient_id: str, prefetch: dict[str, Any] | None, **extra: Any) -> dict[str, Any]:
    """A patient-view call for one patient, with a fresh hookInstance."""
    body: dict[str, Any] = {
        "hook": "patient-view",
        "hookInstance": str(uuid.uuid4()),
        "context": {"userId": "Practitioner/dr-1", "patientId": patient_id},
        **extra,
    }
    if prefetch is not None:
        body["prefetch"] = prefetch
    return body
