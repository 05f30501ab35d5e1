"""The loaded pathway: immutable, compiled, shareable across threads."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

import networkx as nx
from pydantic import BaseModel

from spinedx._compiled import Stage
from spinedx._conditions import RecordSchema
from spinedx._diagnostics import Diagnostic, PathwayChangedError
from spinedx._documents import ManifestDoc, record_model, register_record, validate_record
from spinedx._evaluation import (
    Evaluation,
    ExplainContext,
    Generated,
    PathwayRef,
    compile_program,
    explain_walk,
    generate,
    run,
    run_known,
    walk,
)


class Pathway:
    """A checked, compiled pathway. Build it with :func:`spinedx.load_pathway`.

    A ``Pathway`` never changes after loading, so one instance can serve many
    threads at once. Evaluation runs on the compiled stages; the networkx
    graphs in :attr:`graphs` are for analysis and drawing only.
    """

    __slots__ = (
        "_explain",
        "_generated",
        "_program",
        "graphs",
        "manifest",
        "record_model",
        "record_name",
        "schema",
        "source",
        "stages",
        "warnings",
    )

    def __init__(
        self,
        *,
        manifest: ManifestDoc,
        stages: tuple[Stage, ...],
        graphs: Mapping[str, nx.DiGraph[str]],
        record_model: type[BaseModel],
        record_name: str,
        schema: RecordSchema,
        digest: str,
        source: Path,
        warnings: tuple[Diagnostic, ...],
    ) -> None:
        self.manifest = manifest
        self.stages = stages
        self.graphs: Mapping[str, nx.DiGraph[str]] = MappingProxyType(dict(graphs))
        self.record_model = record_model
        self.record_name = record_name
        self.schema = schema
        self.source = source
        self.warnings = warnings
        self._explain = ExplainContext(
            pathway=PathwayRef(
                id=manifest.id, version=manifest.version, title=manifest.title, digest=digest
            ),
            record_name=record_name,
            schema=schema,
            fact_descriptions={name: fact.description for name, fact in manifest.facts.items()},
        )
        self._program = compile_program(stages)
        self._generated: Generated | None = None  # built on first use

    @property
    def id(self) -> str:
        """The manifest's id."""
        return self.manifest.id

    @property
    def version(self) -> str:
        """The manifest's version."""
        return self.manifest.version

    @property
    def title(self) -> str:
        """The manifest's title."""
        return self.manifest.title

    @property
    def digest(self) -> str:
        """sha256 of the manifest and stage files: which exact text produced a result."""
        return self._explain.pathway.digest

    def evaluate(self, patient: BaseModel | Mapping[str, object]) -> Evaluation:
        """Walk every stage for one patient and explain every recommendation.

        Args:
            patient: an instance of the pathway's record model, or plain data
                (a dict, as parsed from JSON) validated strictly first.

        Raises:
            PatientError: when plain data does not fit the record model.

        Example:
            >>> from spinedx import load_pathway, load_patient
            >>> pathway = load_pathway("pathways/spinal_tumor")
            >>> result = pathway.evaluate(load_patient("examples/patients/no-red-flags.yaml"))
            >>> all(rec.reasons for rec in result.recommendations)
            True
        """
        record = self.validate(patient)
        return explain_walk(walk(self.stages, record), self.stages, record, self._explain)

    def recommend(self, patient: BaseModel | Mapping[str, object]) -> list[str]:
        """The ids of the recommendations reached, without building explanations.

        This is the fast path for cohorts and audits. The patient is validated
        exactly as by :meth:`evaluate`.
        """
        patient = self.validate(patient)
        generated = self._generated
        if generated is None:
            generated = self._generated = generate(self.stages)
        ids = run_known(generated, patient)
        return run(self._program, patient) if ids is None else ids

    def _known_ids(self, patient: BaseModel) -> list[str] | None:
        """The ids by the generated code (built on first use); ``None`` if it read an
        unknown value, and so could not tell (the closures settle those records)."""
        generated = self._generated
        if generated is None:
            generated = self._generated = generate(self.stages)
        return run_known(generated, patient)

    def validate(self, patient: BaseModel | Mapping[str, object] | str | bytes) -> BaseModel:
        """The patient as a validated instance of the record model.

        Plain data and JSON text are validated strictly; an instance is
        validated again unless validation made it (one built with
        ``model_construct`` or changed by ``model_copy(update=...)`` is not).

        Raises:
            PatientError: when the patient does not fit the record model.
            TypeError: for an instance of another model.
        """
        return validate_record(self.record_model, patient)

    def __reduce__(self) -> tuple[object, tuple[str, type[BaseModel], str | None, str]]:
        """Pickle as the folder, the record model and the digest; unpickling loads the
        files again and checks that the digest still matches (worker processes)."""
        registered = (
            self.record_name if record_model(self.record_name) is self.record_model else None
        )
        return _reload, (str(self.source), self.record_model, registered, self.digest)

    def __repr__(self) -> str:
        return f"<Pathway {self.id} {self.version} ({len(self.stages)} stages)>"


def _reload(source: str, model: type[BaseModel], name: str | None, digest: str) -> Pathway:
    """Load a pickled pathway again; its files must be the ones it was loaded from."""
    from spinedx._pathway.load import load_pathway  # noqa: PLC0415  (the loader imports this module)

    if name is not None and record_model(name) is None:
        register_record(name, model)  # a fresh process has not run the registration
    pathway = load_pathway(source, record=model)
    if pathway.digest != digest:
        raise PathwayChangedError(
            f"the pathway at {source} has changed since it was loaded "
            f"(digest {pathway.digest}, expected {digest}); load it again"
        )
    return pathway
