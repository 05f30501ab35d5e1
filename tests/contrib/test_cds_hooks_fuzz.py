"""CDS Hooks 2.0 out, fuzzed: the OpenAPI description by schemathesis, the prefetch by
hypothesis (no 5xx, every answer as documented; examples bounded by count), and the
``spinedx serve`` command itself.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("fastapi")
httpx = pytest.importorskip("httpx")
pytest.importorskip("uvicorn")
schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from schemathesis.checks import (  # noqa: E402
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from spinedx import load_pathway  # noqa: E402
from spinedx._cli.app import main  # noqa: E402
from spinedx.contrib.cds_hooks import create_app, is_loopback  # noqa: E402
from tests.contrib.cds_server import SERVICE, SHIPPED, TODAY, ThreadServer  # noqa: E402
from tests.contrib.cds_server import cds_request as _request  # noqa: E402
from tests.contrib.fhir_patients import bundle_prefetch  # noqa: E402


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with ThreadServer(create_app([load_pathway(SHIPPED)], today=lambda: TODAY)) as url:
        yield url


# -- the OpenAPI, fuzzed -----------------------------------------------------


FUZZ_EXAMPLES = 60  # per generation mode: a bound by count, not by time


@pytest.mark.parametrize("mode", list(schemathesis.GenerationMode), ids=str)
def test_the_openapi_fuzzed_never_gives_a_5xx_or_an_undocumented_answer(
    base_url: str, mode: Any
) -> None:
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    seen: set[tuple[str, str]] = set()

    @given(case=schema.as_strategy(generation_mode=mode))
    @settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def call(case: Any) -> None:
        seen.add((case.method, case.path))
        case.call_and_validate(
            checks=[
                not_a_server_error,
                status_code_conformance,
                content_type_conformance,
                response_schema_conformance,
                negative_data_rejection,
            ]
        )

    call()
    calls = {
        ("POST", "/cds-services/{service_id}"),
        ("POST", "/cds-services/{service_id}/feedback"),
    }
    discovery = (
        set() if mode == schemathesis.GenerationMode.NEGATIVE else {("GET", "/cds-services")}
    )
    assert seen == calls | discovery  # every operation that takes input was fuzzed


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
_KEYS = st.sampled_from(["code", "valueQuantity", "status", "subject", "effectiveDateTime"])
_RESOURCES = st.builds(
    lambda kind, extra: {"resourceType": kind, **extra},
    st.sampled_from(["Observation", "Condition", "MedicationStatement", "Procedure", "Foo"]),
    st.dictionaries(_KEYS, _JSON, max_size=4),
)


@given(resources=st.lists(_RESOURCES, max_size=4))
@settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None)
def test_any_resources_in_a_valid_prefetch_give_cards_or_a_4xx(
    base_url: str, resources: list[dict[str, Any]]
) -> None:
    prefetch = bundle_prefetch("sparse-record")
    prefetch["observations"] = {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [{"resource": r} for r in resources],
    }
    response = httpx.post(
        f"{base_url}/cds-services/{SERVICE}", json=_request("sparse-record", prefetch)
    )
    assert response.status_code in {200, 400, 422}, response.text
    assert "cards" in response.json() if response.status_code == 200 else "error" in response.json()


# -- spinedx serve -----------------------------------------------------------


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "example.org"])
def test_serve_refuses_a_non_loopback_host_without_allow_remote(
    host: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", str(SHIPPED), "--host", host]) == 2
    assert "--allow-remote" in capsys.readouterr().err


def test_loopback_hosts_are_recognised() -> None:
    assert all(map(is_loopback, ["127.0.0.1", "127.8.9.1", "::1", "[::1]", "localhost"]))
    assert not any(map(is_loopback, ["0.0.0.0", "::", "10.0.0.1", "host.example"]))


def test_spinedx_serve_announces_its_address_answers_and_stops_on_ctrl_c() -> None:
    command = [sys.executable, "-m", "spinedx", "serve", str(SHIPPED), "--port", "0"]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            url = re.search(r"http://127\.0\.0\.1:\d+/cds-services", line)
            assert url, line
            services = httpx.get(url.group(0)).json()["services"]
            assert [s["id"] for s in services] == [SERVICE]
            process.send_signal(signal.SIGINT)
            _, err = process.communicate(timeout=60)
            assert process.returncode == 130  # interrupted, as every command reports it
            assert err.strip().endswith("spinedx: interrupted")
        finally:
            if process.poll() is None:
                process.kill()
