"""The triage decisions as plain Python: the physical limit for the same work.

Written by hand from the pathway files, for complete records (the benchmark's
patients have every field known, so no three-valued logic is needed here, and
the optional types are not narrowed: this module is not type-checked).
"""

from __future__ import annotations

from bench.triage.record import TriageRecord


def triage(patient: TriageRecord) -> list[str]:
    """The recommendation ids, in the order the pathway fires them."""
    h = patient.history
    v = patient.vitals
    s = patient.symptoms
    age = h.age

    # stage history
    if (
        age >= 80
        or (age >= 65 and h.immunosuppressed)
        or h.cancer_history
        or h.iv_drug_use
        or h.immunosuppressed
    ):
        risk = "high"
    elif age >= 50 or h.osteoporosis or (h.recent_trauma and (h.anticoagulated or age >= 40)):
        risk = "moderate"
    else:
        risk = "low"

    # stage vitals
    heart_rate, systolic, resp, spo2 = v.heart_rate, v.systolic_bp, v.resp_rate, v.spo2
    sepsis = v.temperature >= 38.0 and (heart_rate > 90 or resp > 20)
    recs: list[str] = []
    if v.avpu in ("pain", "unresponsive") or v.gcs <= 8:
        acuity = "critical"
        recs.append("resuscitation")
    elif systolic < 90 or heart_rate > 130 or spo2 < 90:
        acuity = "critical"
    elif heart_rate > 110 or resp >= 25 or systolic < 100 or spo2 < 94 or sepsis:
        acuity = "urgent"
    else:
        acuity = "stable"

    # stage symptoms
    pain, weeks = s.pain_score, s.pain_weeks
    if acuity == "critical":
        if s.chest_pain:
            recs.append("resus-bay-ecg")
        elif sepsis:
            recs += ("sepsis-bundle", "resus-bay")
        else:
            recs.append("resus-bay")
    elif s.saddle_anaesthesia or s.bladder_dysfunction or (s.leg_weakness and pain >= 7):
        recs.append("emergency-mri")
    elif risk == "high" and (s.leg_weakness or s.thoracic_pain or s.night_pain):
        recs.append("urgent-mri")
    elif (sepsis and (risk != "low" or pain >= 5)) or (
        s.fever and (h.immunosuppressed or h.iv_drug_use)
    ):
        recs += ("sepsis-bundle", "senior-review")
    elif s.chest_pain and (age >= 40 or acuity == "urgent"):
        recs.append("ecg-10-minutes")
    elif h.recent_trauma and (age >= 65 or h.osteoporosis or h.anticoagulated):
        recs.append("ct-spine")
    elif h.sex == "female" and h.pregnant:
        recs.append("obstetric-review")
    elif risk == "high" and (s.weight_loss or s.night_pain or weeks >= 6):
        recs.append("mri-2-weeks")
    elif acuity == "urgent":
        recs.append("senior-review")
    elif weeks >= 12 or (weeks >= 6 and pain >= 6):
        recs.append("physiotherapy")
    elif pain >= 8:
        recs.append("analgesia-review")
    else:
        recs.append("self-care")
    return recs
