"""Seeded, lazily generated triage patients: the same seed gives the same patients."""

from __future__ import annotations

import random
from collections.abc import Iterator

from bench.triage.record import Avpu, History, Sex, Symptoms, TriageRecord, Vitals

SEED = 20260509


def generate(count: int, seed: int = SEED) -> Iterator[TriageRecord]:
    """``count`` complete records, one at a time (nothing is kept)."""
    rng = random.Random(seed)
    for _ in range(count):
        yield _patient(rng)


def _patient(rng: random.Random) -> TriageRecord:
    chance = rng.random
    age = rng.randint(16, 95)
    sex = Sex.FEMALE if chance() < 0.5 else Sex.MALE
    history = History(
        age=age,
        sex=sex,
        pregnant=sex is Sex.FEMALE and age < 45 and chance() < 0.15,
        anticoagulated=chance() < 0.1,
        immunosuppressed=chance() < 0.05,
        cancer_history=chance() < 0.08,
        iv_drug_use=chance() < 0.02,
        recent_trauma=chance() < 0.15,
        osteoporosis=chance() < (0.2 if age >= 60 else 0.02),
    )
    febrile = chance() < 0.1
    vitals = Vitals(
        heart_rate=max(20, int(rng.gauss(95 if febrile else 80, 18))),
        systolic_bp=max(60, int(rng.gauss(128, 20))),
        resp_rate=max(8, int(rng.gauss(18, 4))),
        spo2=min(100, int(rng.gauss(97, 2.5))),
        temperature=round(rng.gauss(38.4 if febrile else 36.9, 0.5), 1),
        gcs=15 if chance() < 0.97 else rng.randint(3, 14),
        avpu=rng.choices(list(Avpu), weights=(96, 2, 1, 1))[0],
    )
    symptoms = Symptoms(
        pain_score=rng.randint(0, 10),
        pain_weeks=rng.choice((0, 0, 1, 2, 3, 4, 6, 8, 12, 26)),
        chest_pain=chance() < 0.08,
        thoracic_pain=chance() < 0.15,
        night_pain=chance() < 0.15,
        weight_loss=chance() < 0.06,
        leg_weakness=chance() < 0.07,
        saddle_anaesthesia=chance() < 0.01,
        bladder_dysfunction=chance() < 0.015,
        fever=febrile or chance() < 0.03,
    )
    return TriageRecord(history=history, vitals=vitals, symptoms=symptoms)
