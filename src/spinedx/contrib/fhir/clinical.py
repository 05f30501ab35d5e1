"""Patient, Condition, medicines and Procedure (biopsies) into the record."""

from __future__ import annotations

import re

from spinedx.contrib.fhir.context import Context, Entry
from spinedx.contrib.fhir.elements import (
    codings,
    day,
    items,
    label,
    member,
    obj,
    reference,
    status,
    text,
    when,
)
from spinedx.contrib.fhir.tables import CONDITION_FLAGS, TRUE
from spinedx.patient import CodeSystem

GENDER = "http://hl7.org/fhir/administrative-gender"
RELATED_PRIMARY = "mcode-related-primary-cancer-condition"
_SPINAL_LEVEL = re.compile(r"^(C[1-7]|T([1-9]|1[0-2])|L[1-5]|S[1-5])$")
_CODE_SYSTEMS = {
    "http://snomed.info/sct": CodeSystem.SNOMED_CT,
    "http://hl7.org/fhir/sid/icd-10": CodeSystem.ICD_10,
    "http://id.who.int/icd/release/11/mms": CodeSystem.ICD_11,
}
_CANCER_STATUS = {
    "active": "active",
    "recurrence": "active",
    "relapse": "active",
    "remission": "remission",
    "resolved": "no_evidence_of_disease",
}
_CURRENT = frozenset({"active", "recurrence", "relapse"})
_NOT_A_DIAGNOSIS = {
    "refuted": "the diagnosis was refuted",
    "entered-in-error": "it was entered in error",
    "unconfirmed": "the diagnosis is not confirmed",
    "provisional": "the diagnosis is provisional",
    "differential": "it is a differential diagnosis, not a confirmed one",
}


def patient(ctx: Context, entry: Entry) -> frozenset[str]:
    """Sex, date of birth and the patient's id."""
    resource = entry.resource
    if entry.id is not None:
        ctx.put(("patient_id",), entry.id, entry, "id")
    gender = text(resource.get("gender"))
    if gender is not None:
        sex = ctx.tables.value("sex", GENDER, gender)
        if sex is None:
            ctx.skip(entry, "gender", f"gender {gender!r} gives no sex the record holds", gender)
        else:
            ctx.put(("sex",), sex, entry, "gender")
    if "birthDate" in resource:
        born, problem = day(resource["birthDate"])
        if born is None:
            ctx.skip(entry, "birthDate", problem or "no date", resource["birthDate"])
        else:
            ctx.put(("date_of_birth",), born, entry, "birthDate")
    return frozenset({"gender", "birthDate"})


def condition(ctx: Context, entry: Entry) -> frozenset[str]:
    """A cancer, a secondary of one, a finding the history holds, or another condition."""
    read = frozenset(
        {
            "code",
            "clinicalStatus",
            "verificationStatus",
            "onsetDateTime",
            "onsetPeriod",
            "abatementDateTime",
            "abatementPeriod",
        }
    )
    resource = entry.resource
    verification = status(resource, "verificationStatus")
    if verification in _NOT_A_DIAGNOSIS:
        ctx.skip(entry, "", _NOT_A_DIAGNOSIS[verification])
        return frozenset()
    concept = resource.get("code")
    clinical = status(resource, "clinicalStatus")
    element, onset, problem = when(resource, "onset")
    if problem is not None:
        ctx.skip(entry, element, problem, resource.get(element.split(".")[0]))
    cancer_type = ctx.lookup("history.cancers.type", concept, entry, "code")
    if cancer_type is not None:
        cancer: dict[str, object] = {"type": cancer_type}
        if onset is not None:
            cancer["diagnosed_on"] = onset
        if clinical in _CANCER_STATUS:
            cancer["status"] = _CANCER_STATUS[clinical]
        ctx.add(("history", "cancers"), cancer, entry)
        return read
    if ctx.lookup("history.cancers.metastatic", concept, entry, "code") == TRUE:
        _secondary(ctx, entry)
        return read | {"extension"}
    if clinical in _CURRENT:
        for name in CONDITION_FLAGS:
            if ctx.lookup(f"history.{name}", concept, entry, "code") == TRUE:
                ctx.put(("history", name), True, entry, "code")
    return read if _listed(ctx, entry, concept, onset, clinical) else frozenset()


def _listed(
    ctx: Context, entry: Entry, concept: object, onset: object, clinical: str | None
) -> bool:
    coded = next(iter(codings(concept)), None)
    name = label(concept) or (coded[2] if coded else None)
    if name is None:
        ctx.skip(entry, "code", "the condition has no code or text")
        return False
    item: dict[str, object] = {"name": name}
    if coded is not None:
        item["code"] = coded[2]
        item["code_system"] = _CODE_SYSTEMS.get(coded[1], CodeSystem.OTHER).value
    if onset is not None:
        item["diagnosed_on"] = onset
    current = clinical is None or clinical in _CURRENT
    ctx.add(("history", "conditions" if current else "past_illnesses"), item, entry)
    return True


def _secondary(ctx: Context, entry: Entry) -> None:
    links = [
        reference(member(ext, "valueReference"))
        for ext in items(entry.resource.get("extension"))
        if str(member(ext, "url") or "").endswith(RELATED_PRIMARY)
    ]
    primary = ctx.resolve(links[0], entry) if len(links) == 1 else None

    def mark(ctx: Context) -> None:
        for put in ctx.puts:
            if put.append and put.source == primary and put.path == ("history", "cancers"):
                put.value["metastatic"] = True  # type: ignore[index]
                return
        ctx.skip(
            entry,
            "code",
            "a secondary cancer whose primary is not a cancer in this bundle "
            f"(name it with the mCODE extension {RELATED_PRIMARY})",
            entry.resource.get("code"),
        )

    ctx.later.append(mark)


_TAKEN_NOW = {"MedicationStatement": "active", "MedicationRequest": "active"}
_NOT_TAKEN_INTENTS = frozenset({"proposal", "plan", "directive", "option"})


def medication_use(ctx: Context, entry: Entry) -> frozenset[str]:
    """A medicine the patient takes now, with its drug class from ATC."""
    resource = entry.resource
    state = status(resource)
    if state != _TAKEN_NOW[entry.type]:
        ctx.skip(entry, "status", f"status {state!r}: not a medicine the patient takes now", state)
        return frozenset()
    intent = text(resource.get("intent"))
    if intent in _NOT_TAKEN_INTENTS:
        ctx.skip(entry, "intent", f"intent {intent!r}: not a medicine the patient takes now")
        return frozenset()
    element, concept = _medicine(ctx, entry)
    name = label(concept) or next((c[2] for c in codings(concept)), None)
    if name is None:
        ctx.skip(entry, element or "medication[x]", "the medicine has no name or code")
        return frozenset()
    item: dict[str, object] = {"name": name}
    reported = len(ctx.unused)
    drug_class = ctx.lookup("history.medications.drug_class", concept, entry, element)
    if drug_class is not None:
        item["drug_class"] = drug_class
    elif len(ctx.unused) == reported:  # not already reported as a conflict
        ctx.skip(
            entry,
            element,
            "no drug class for these codings (the tables classify by ATC); the medicine is "
            "recorded with its class unknown",
            concept,
        )
    dosage = next(iter(items(resource.get("dosage") or resource.get("dosageInstruction"))), None)
    dose = text(member(dosage, "text"))
    if dose is not None:
        item["dose"] = dose
    ctx.add(("history", "medications"), item, entry)
    return frozenset(
        {
            "medicationCodeableConcept",
            "medicationReference",
            "medication",
            "dosage",
            "dosageInstruction",
        }
    )


def _medicine(ctx: Context, entry: Entry) -> tuple[str, object]:
    resource = entry.resource
    if "medicationCodeableConcept" in resource:
        return "medicationCodeableConcept", resource["medicationCodeableConcept"]
    holder = obj(resource.get("medication"))  # R5: a CodeableReference
    if holder is not None and "concept" in holder:
        return "medication.concept", holder["concept"]
    ref = reference(resource.get("medicationReference")) or reference(
        holder.get("reference") if holder is not None else None
    )
    found = ctx.resolve(ref, entry)
    if found is None or found.type != "Medication":
        return "medicationReference", None
    ctx.consumed.add(found.index)
    return "medicationReference", found.resource.get("code")


_BIOPSY_STATES = {"completed": True, "preparation": False, "in-progress": None}


def procedure(ctx: Context, entry: Entry) -> frozenset[str]:
    """A biopsy, done or planned; any other procedure is reported unused."""
    resource = entry.resource
    concept = resource.get("code")
    technique = ctx.lookup("biopsy.biopsies.technique", concept, entry, "code")
    if technique is None and ctx.lookup("biopsy.biopsies", concept, entry, "code") != TRUE:
        ctx.skip(entry, "code", "not a biopsy the tables know", concept)
        return frozenset()
    state = status(resource)
    if state not in _BIOPSY_STATES:
        ctx.skip(entry, "status", f"status {state!r}: neither done nor planned", state)
        return frozenset()
    biopsy: dict[str, object] = {}
    if _BIOPSY_STATES[state] is not None:
        biopsy["performed"] = _BIOPSY_STATES[state]
    if technique is not None:
        biopsy["technique"] = technique
    element, performed_on, problem = when(resource, "performed")
    if performed_on is not None:
        biopsy["performed_on"] = performed_on
    elif problem is not None:
        ctx.skip(entry, element, problem)
    for index, site in enumerate(items(resource.get("bodySite"))):
        level = (label(site) or "").upper().removesuffix(" VERTEBRA").strip()
        if _SPINAL_LEVEL.match(level) and "level" not in biopsy:
            biopsy["level"] = level
        else:
            ctx.skip(entry, f"bodySite[{index}]", "not a single spinal level such as 'L2'", site)
    for ref in items(resource.get("report")):
        report = ctx.resolve(reference(ref), entry)
        conclusion = text(report.resource.get("conclusion")) if report is not None else None
        if report is not None and conclusion is not None and "histology" not in biopsy:
            biopsy["histology"] = conclusion
            ctx.consumed.add(report.index)
    ctx.add(("biopsy", "biopsies"), biopsy, entry)
    return frozenset(
        {"code", "status", "bodySite", "report", "performedDateTime", "performedPeriod"}
    )
