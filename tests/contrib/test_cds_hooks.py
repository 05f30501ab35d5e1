"""CDS Hooks 2.0 out, end to end over HTTP on 127.0.0.1: discovery, patient-view cards
checked against the specification's rules, stable uuids, errors as 4xx JSON, feedback.

The server runs in a thread of the test process on a port the system picks and is
stopped by the fixture (tests/contrib/cds_server.py); test_cds_hooks_fuzz.py fuzzes it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("fastapi")
httpx = pytest.importorskip("httpx")
pytest.importorskip("uvicorn")

from spinedx import Urgency, load_pathway  # noqa: E402
from spinedx.contrib.cds_hooks import INDICATORS, create_app, fields_read, summary_of  # noqa: E402
from tests.contrib.cds_server import SERVICE, SHIPPED, TODAY, ThreadServer  # noqa: E402
from tests.contrib.cds_server import cds_request as _request  # noqa: E402
from tests.contrib.fhir_patients import PATIENTS, bundle_prefetch  # noqa: E402


@pytest.fixture(scope="module")
def pathway() -> Any:
    return load_pathway(SHIPPED)


@pytest.fixture(scope="module")
def app(pathway: Any) -> Any:
    return create_app([pathway], today=lambda: TODAY)


@pytest.fixture(scope="module")
def base_url(app: Any) -> Iterator[str]:
    with ThreadServer(app) as url:
        yield url


@pytest.fixture(scope="module")
def client(base_url: str) -> Iterator[Any]:
    with httpx.Client(base_url=base_url) as client:
        yield client


def _cards(client: Any, patient_id: str) -> list[dict[str, Any]]:
    response = client.post(
        f"/cds-services/{SERVICE}", json=_request(patient_id, bundle_prefetch(patient_id))
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    cards: list[dict[str, Any]] = response.json()["cards"]
    return cards


# -- discovery ---------------------------------------------------------------


def test_discovery_lists_one_patient_view_service_per_pathway(client: Any) -> None:
    services = client.get("/cds-services").json()["services"]
    assert [s["id"] for s in services] == [SERVICE]
    (service,) = services
    assert service["hook"] == "patient-view"
    assert service["title"]
    assert service["description"]
    assert service["prefetch"]["patient"] == "Patient/{{context.patientId}}"
    assert service["prefetch"]["conditions"] == "Condition?patient={{context.patientId}}"


def test_prefetch_asks_for_the_codes_of_the_labs_the_pathway_reads_only(
    client: Any, pathway: Any
) -> None:
    query = client.get("/cds-services").json()["services"][0]["prefetch"]["observations"]
    assert query.startswith("Observation?patient={{context.patientId}}&code=")
    codes = set(query.split("code=", 1)[1].split(","))
    assert {"http://loinc.org|62238-1", "http://loinc.org|6301-6"} <= codes  # eGFR, INR
    assert "http://loinc.org|731-0" in codes  # lymphocytes: the ratios are made of them
    read = fields_read(pathway.stages)
    assert not any(f.startswith("labs.hcg") for f in read)
    assert not any(code.endswith("|2118-8") for code in codes)  # hCG is never read


# -- patient-view ------------------------------------------------------------

_CONDITION_SYNTAX = re.compile(r"\b(history|exam|labs|imaging|biopsy|facts)\.[a-z_]+|==|!=")


@pytest.mark.parametrize("patient_id", sorted(PATIENTS))
def test_cards_follow_the_specification(client: Any, patient_id: str) -> None:
    cards = _cards(client, patient_id)
    assert cards
    assert len({c["uuid"] for c in cards}) == len(cards)
    for card in cards:
        assert 0 < len(card["summary"]) < 140
        assert card["indicator"] in {"info", "warning", "critical"}
        assert card["source"]["label"].strip()
        assert uuid.UUID(card["uuid"]).version == 5
        assert ("suggestions" in card) == ("selectionBehavior" in card)
        assert not _CONDITION_SYNTAX.search(card.get("detail", ""))
        for suggestion in card.get("suggestions", []):
            assert suggestion["label"]
            for action in suggestion["actions"]:
                assert action["type"] == "create"
                assert action["resource"]["subject"] == {"reference": f"Patient/{patient_id}"}


def test_the_indicator_follows_the_urgency_and_the_source_cites_the_guideline(
    client: Any,
) -> None:
    cards = {c["topic"]: c for c in _cards_by_topic(client, "older-man-high-esr")}
    very_urgent = cards["myeloma-spep-sflc-very-urgent"]  # within 48 hours
    assert very_urgent["indicator"] == "warning"
    assert very_urgent["source"]["label"].startswith("NICE NG12")
    assert very_urgent["source"]["url"].startswith("https://")
    assert cards["consider-spep-sflc"]["indicator"] == "info"  # routine
    assert cards["complete-neurological-examination"]["indicator"] == "critical"  # immediate
    detail = very_urgent["detail"]
    assert "**Within 48 hours.**" in detail
    assert "How old is the patient, in whole years? 73 years" in detail  # values read, in words
    assert "Adjusted (albumin-corrected) calcium (laboratory flag): high" in detail


def _cards_by_topic(client: Any, patient_id: str) -> list[dict[str, Any]]:
    return [
        {**card, "topic": card["source"]["topic"]["code"]}
        for card in _cards(client, patient_id)
        if "topic" in card["source"]
    ]


def test_missing_data_has_its_own_card(client: Any) -> None:
    cards = _cards(client, "sparse-record")
    needs = [c for c in cards if "missing data" in c["summary"]]
    assert len(needs) == 1
    assert needs[0]["indicator"] == "info"
    assert needs[0]["detail"].count("\n- ") >= 1


def test_card_uuids_are_stable_across_calls_and_differ_between_patients(client: Any) -> None:
    first = [c["uuid"] for c in _cards(client, "breast-cancer-on-warfarin")]
    again = [c["uuid"] for c in _cards(client, "breast-cancer-on-warfarin")]
    other = {c["uuid"] for c in _cards(client, "sparse-record")}
    assert first == again
    assert not set(first) & other


# -- errors ------------------------------------------------------------------


def _prefetch_of(patient_id: str) -> dict[str, Any]:
    return bundle_prefetch(patient_id)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 400),
        (_request("breast-cancer-on-warfarin", None) | {"hook": "order-sign"}, 400),
        (_request("breast-cancer-on-warfarin", None) | {"hookInstance": "not-a-uuid"}, 400),
        (
            {
                **_request("breast-cancer-on-warfarin", None),
                "context": {"userId": "Practitioner/1"},
            },
            400,
        ),
        ({**_request("x", None), "context": {"userId": "nobody", "patientId": "x"}}, 400),
        (_request("breast-cancer-on-warfarin", None), 412),
        (_request("breast-cancer-on-warfarin", {"patient": None}), 412),
        (_request("someone-else", _prefetch_of("breast-cancer-on-warfarin")), 400),
        (_request("breast-cancer-on-warfarin", {"patient": {"resourceType": "Observation"}}), 400),
        (_request("breast-cancer-on-warfarin", {"patient": {"no": "resourceType"}}), 400),
    ],
)
def test_bad_requests_get_a_4xx_json_error(client: Any, body: Any, status: int) -> None:
    response = client.post(f"/cds-services/{SERVICE}", json=body)
    assert response.status_code == status, response.text
    error = response.json()
    assert error["error"]
    assert error["message"]


def test_data_about_another_patient_is_refused(client: Any) -> None:
    prefetch = _prefetch_of("breast-cancer-on-warfarin")
    foreign = {
        "resourceType": "Condition",
        "id": "c-other",
        "subject": {"reference": "Patient/someone-else"},
        "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10", "code": "C50.9"}]},
    }
    prefetch["conditions"]["entry"].append({"resource": foreign})
    response = client.post(
        f"/cds-services/{SERVICE}", json=_request("breast-cancer-on-warfarin", prefetch)
    )
    assert response.status_code == 400
    assert "someone-else" in response.json()["problems"][0]["message"]


@pytest.mark.parametrize(
    ("method", "path", "content", "status"),
    [
        ("POST", "/cds-services/no-such-service", b"{}", 400),
        ("GET", f"/cds-services/{SERVICE}", None, 405),
        ("POST", f"/cds-services/{SERVICE}", b"{not json", 400),
        ("GET", "/no-such-page", None, 404),
    ],
)
def test_http_errors_are_json_too(
    client: Any, method: str, path: str, content: bytes | None, status: int
) -> None:
    headers = {"content-type": "application/json"}
    response = client.request(method, path, content=content, headers=headers)
    assert response.status_code == status
    assert response.json()["error"]


def test_an_unknown_service_is_404(client: Any) -> None:
    body = _request("breast-cancer-on-warfarin", _prefetch_of("breast-cancer-on-warfarin"))
    response = client.post("/cds-services/no-such-service", json=body)
    assert response.status_code == 404
    assert response.json()["error"] == "not-found"


# -- feedback ----------------------------------------------------------------


def test_feedback_in_the_specification_shape_is_accepted(client: Any, app: Any) -> None:
    card = _cards(client, "breast-cancer-on-warfarin")[0]
    body = {
        "feedback": [
            {
                "card": card["uuid"],
                "outcome": "overridden",
                "overrideReason": {
                    "reason": {"code": "patient-refused", "system": "https://example.org/r"},
                    "userComment": "discussed with the patient",
                },
                "outcomeTimestamp": "2024-05-01T10:15:00Z",
            }
        ]
    }
    response = client.post(f"/cds-services/{SERVICE}/feedback", json=body)
    assert response.status_code == 200
    assert response.json() == {"received": 1}
    assert app.state.feedback[-1][1].card == card["uuid"]


@pytest.mark.parametrize(
    "item",
    [
        {"card": "x", "outcome": "accepted", "outcomeTimestamp": "2024-05-01T10:15:00Z"},
        {"card": "x", "outcome": "ignored", "outcomeTimestamp": "2024-05-01T10:15:00Z"},
        {"card": "x", "outcome": "overridden", "outcomeTimestamp": "2024-05-01T10:15:00"},
    ],
)
def test_malformed_feedback_is_400(client: Any, item: dict[str, Any]) -> None:
    response = client.post(f"/cds-services/{SERVICE}/feedback", json={"feedback": [item]})
    assert response.status_code == 400
    assert response.json()["error"] == "bad-request"


# -- the rules, one by one ---------------------------------------------------


def test_the_indicator_never_falls_as_urgency_rises() -> None:
    order = {"info": 0, "warning": 1, "critical": 2}
    ranked = sorted(Urgency, key=lambda u: u.rank)
    levels = [order[INDICATORS[u]] for u in ranked]
    assert levels == sorted(levels, reverse=True)
    assert INDICATORS[Urgency.IMMEDIATE] == INDICATORS[Urgency.WITHIN_24_HOURS] == "critical"
    assert INDICATORS[Urgency.WITHIN_1_WEEK] == INDICATORS[Urgency.WITHIN_2_WEEKS] == "warning"
    assert INDICATORS[Urgency.ROUTINE] == INDICATORS[Urgency.ADVISORY] == "info"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MRI of the whole spine within 1 week.", "MRI of the whole spine within 1 week."),
        ("A" * 60 + " first. " + "B" * 100, "A" * 60 + " first."),
        ("word " * 40, ("word " * 27).rstrip() + "…"),
        ("x" * 200, "x" * 138 + "…"),
    ],
)
def test_a_summary_is_whole_then_first_sentence_then_cut_at_a_word(
    text: str, expected: str
) -> None:
    summary = summary_of(text)
    assert summary == expected
    assert len(summary) < 140
