"""The loaded pathway: immutable, compiled, shareable across threads."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

import networkx as nx
from pydantic import BaseModel

from spinedx._compiled import Stage
from spinedx._conditions import RecordSchema
from spinedx._diagnostics import Diagnostic
from spinedx._documents import ManifestDoc, validate_record
from spinedx._evaluation import (
    Evaluation,
    ExplainContext,
    Generated,
    PathwayRef,
    Program,
    Walk,
    compile_program,
    explain_walk,
    generate,
    interpret,
    run_known,
)


class Pathway:
    """A checked, compiled pathway. Build it with :func:`spinedx.load_pathway`.

    A ``Pathway`` never changes after loading (setting or deleting an
    attribute raises ``AttributeError``), so one instance can serve many
    threads at once. Evaluation runs on the compiled stages; the networkx
    graphs in :attr:`graphs` are for analysis and drawing only.
    """

    __slots__ = (
        "_explain",
        "_generated",
        "_program",
        "_sealed",
        "graphs",
        "manifest",
        "record_model",
        "record_name",
        "schema",
        "source",
        "stages",
        "texts",
        "warnings",
    )

    manifest: ManifestDoc
    stages: tuple[Stage, ...]
    graphs: Mapping[str, nx.DiGraph[str]]
    record_model: type[BaseModel]
    record_name: str
    schema: RecordSchema
    source: Path
    texts: Mapping[str, str]
    """The text of each file as it was read, by file name (what a pickle carries)."""
    warnings: tuple[Diagnostic, ...]

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
        texts: Mapping[str, str],
        warnings: tuple[Diagnostic, ...],
    ) -> None:
        self.manifest = manifest
        self.stages = stages
        self.graphs = MappingProxyType(dict(graphs))
        self.record_model = record_model
        self.record_name = record_name
        self.schema = schema
        self.source = source
        self.texts = MappingProxyType(dict(texts))
        self.warnings = warnings
        self._explain = ExplainContext(
            pathway=PathwayRef(
                id=manifest.id, version=manifest.version, title=manifest.title, digest=digest
            ),
            record_name=record_name,
            schema=schema,
            fact_descriptions={name: fact.description for name, fact in manifest.facts.items()},
        )
        self._program: Program = compile_program(stages)  # what the interpreter walks
        self._generated: Generated | None = None  # built on first use
        self._sealed = True  # from here on, nothing is set or deleted

    def __setattr__(self, name: str, value: object) -> None:
        if getattr(self, "_sealed", False):
            raise AttributeError(f"a Pathway is immutable; cannot set {name!r}")
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a Pathway is immutable; cannot delete {name!r}")

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

        Where missing data leaves a decision open (and it has no ``unknown:``
        target), the walk goes on along every branch still possible, so each
        recommendation is ``definite`` (reached whatever the data turns out to
        be) or ``conditional`` (its ``when`` and ``summary_if`` say on what);
        ``needs`` lists the record input fields that would settle the open
        decisions, most urgent first. See ``docs/missing-data.md``.

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
        record = self.validate_patient(patient)
        log = Walk()
        interpret(self._program, record, log)
        return explain_walk(log, self.stages, record, self._explain)

    def recommend(
        self, patient: BaseModel | Mapping[str, object], *, conditional: bool = False
    ) -> list[str]:
        """The ids of the recommendations reached, without building explanations.

        Under missing data these are the *definite* recommendations only: those
        reached whatever the missing values turn out to be, in the order they
        first fire. With ``conditional=True``, the conditional ones come too,
        in that same order: exactly the ids of :meth:`evaluate`'s
        ``recommendations``. With complete data the two are the same.

        This is the fast path for cohorts and audits: the generated code
        answers, or, when it meets an unknown value, the interpreter does. The
        patient is validated exactly as by :meth:`evaluate`.

        Example:
            >>> from spinedx import load_pathway
            >>> pathway = load_pathway("pathways/spinal_tumor")
            >>> pathway.recommend({})
            ['take-cancer-history', 'complete-neurological-examination']
        """
        return self._answer(self.validate_patient(patient), conditional=conditional)[0]

    def _answer(self, patient: BaseModel, *, conditional: bool = False) -> tuple[list[str], bool]:
        """:meth:`recommend`'s ids for a validated patient, and whether the generated
        code gave them (``False``: it met an unknown, and the interpreter did).
        Tests and benchmarks read the flag to know which path answered."""
        ids = self._known_ids(patient)
        if ids is None:
            return interpret(self._program, patient, conditional=conditional), False
        return ids, True

    def _known_ids(self, patient: BaseModel) -> list[str] | None:
        """The ids by the generated code (built on first use); ``None`` if it read an
        unknown value, and so could not tell (the interpreter settles those records)."""
        generated = self._generated
        if generated is None:
            generated = generate(self.stages)
            # Two threads that race here build the same functions; either copy serves.
            object.__setattr__(self, "_generated", generated)
        return run_known(generated, patient)

    def validate_patient(
        self, patient: BaseModel | Mapping[str, object] | str | bytes
    ) -> BaseModel:
        """The patient as a validated instance of the record model.

        Plain data and JSON text are validated strictly; an instance is
        validated again unless validation made it (one built with
        ``model_construct`` or changed by ``model_copy(update=...)`` is not).

        Raises:
            PatientError: when the patient does not fit the record model.
            TypeError: for an instance of another model.
        """
        return validate_record(self.record_model, patient)

    def __repr__(self) -> str:
        return f"<Pathway {self.id} {self.version} ({len(self.stages)} stages)>"
