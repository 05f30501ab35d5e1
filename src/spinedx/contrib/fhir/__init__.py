"""FHIR R4 in: a Bundle about one patient into a validated ``spinedx.Patient``.

``map_bundle`` places what the record can hold and reports everything else in
``FhirMapping.unused``; ``load_tables`` gives the coding tables it maps with
(the shipped ones, extended by a site's own YAML files). Plain JSON needs no
extra package; ``pip install spinedx[fhir]`` adds ``fhir.resources``, whose
Bundle objects ``map_bundle`` also accepts. See docs/integration.md.

Example:
    >>> from datetime import date
    >>> from spinedx.contrib.fhir import map_bundle
    >>> bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
    ...     {"resource": {"resourceType": "Patient", "id": "p1", "birthDate": "1958-03-02"}}]}
    >>> mapping = map_bundle(bundle, assessed_on=date(2024, 5, 1))
    >>> mapping.record.age, mapping.unused
    (66, [])
"""

from spinedx.contrib.fhir.elements import Unused
from spinedx.contrib.fhir.mapping import FhirMapping, map_bundle
from spinedx.contrib.fhir.tables import CodingTables, CodingTablesError, FhirError, load_tables

__all__ = [
    "CodingTables",
    "CodingTablesError",
    "FhirError",
    "FhirMapping",
    "Unused",
    "load_tables",
    "map_bundle",
]
