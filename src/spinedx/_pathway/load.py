"""Loading: pathway folders and patient files, every problem collected before failing.

The layers run one way: YAML text (``_yaml``) → documents (``_document``) →
compiled stages (``_build``) → graph checks (``_checks``) → ``Pathway``.

A ``Pathway`` pickles by content (registered here with :mod:`copyreg`, so the
``Pathway`` module never imports the loader): the text of each file, the
record model and the digest. Unpickling builds it again from those texts,
reading no file, so it loads in any process, folder or machine.
"""

from __future__ import annotations

import copyreg
import gc
import hashlib
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar, overload

import networkx as nx
from pydantic import BaseModel

from spinedx._conditions import RecordSchema, SchemaType, fact_type
from spinedx._diagnostics import Diagnostic, PathwayChangedError, PathwayError, Span, diagnostic
from spinedx._documents import (
    ManifestDoc,
    Spans,
    YNode,
    is_folder,
    is_inside,
    load_record,
    parse_yaml,
    read_yaml,
    record_model,
    record_name,
    record_names,
    register_record,
    validate_manifest,
    validate_stage,
    what_is,
)
from spinedx._pathway.build import StageBuilder, StageSource
from spinedx._pathway.checks import stage_graph
from spinedx._pathway.context import CheckContext
from spinedx._pathway.pathway import Pathway
from spinedx._pathway.registry import run_checks
from spinedx._pathway.shipped import MANIFEST, locate

__all__ = ["MANIFEST", "check_pathway", "check_pathway_sources", "load_pathway", "load_patient"]

_R = TypeVar("_R", bound=BaseModel)


@dataclass
class _Loaded:
    pathway: Pathway | None
    diagnostics: list[Diagnostic]
    texts: dict[str, str]
    given: Mapping[str, str] | None = None
    """The texts to build from, by file name, instead of reading files (unpickling)."""


def load_pathway(path: str | os.PathLike[str], *, record: type[BaseModel] | None = None) -> Pathway:
    """Load, compile and fully check a pathway folder (or its ``pathway.yaml``).

    Args:
        path: the pathway folder, or the manifest file inside it; or the name
            of a pathway shipped with spinedx, such as ``"spinal-tumor"`` (a
            string that is not an existing path and holds no ``/``).
        record: the record model to check conditions against; by default the
            model registered under the manifest's ``record`` name.

    Raises:
        PathwayError: with every problem found, each located and coded; an
            unknown name is an SPX100 with a "did you mean".

    Example:
        >>> pathway = load_pathway("pathways/spinal_tumor")
        >>> pathway.id
        'spinal-tumor-diagnosis'
        >>> load_pathway("spinal-tumor").digest == pathway.digest
        True
    """
    with _collector_paused():
        loaded = _load(path, record)
    if loaded.pathway is None:
        raise PathwayError(loaded.diagnostics, loaded.texts)
    return loaded.pathway


def check_pathway(
    path: str | os.PathLike[str], *, record: type[BaseModel] | None = None
) -> list[Diagnostic]:
    """Every diagnostic for a pathway, errors and warnings, sorted; never raises for bad input.

    Example:
        >>> [d.code for d in check_pathway("pathways/spinal_tumor") if d.is_error]
        []
    """
    return check_pathway_sources(path, record=record)[0]


def check_pathway_sources(
    path: str | os.PathLike[str], *, record: type[BaseModel] | None = None
) -> tuple[list[Diagnostic], dict[str, str]]:
    """:func:`check_pathway`, and the text of each file as it was read, to show excerpts from."""
    with _collector_paused():
        loaded = _load(path, record)
    return sorted(loaded.diagnostics, key=Diagnostic.sort_key), loaded.texts


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while loading.

    Loading builds hundreds of thousands of small, long-lived objects; the
    collector would scan them again and again as they accumulate, which made
    loading grow faster than the pathway (a 10 000-node pathway took 2.4 times
    as long with it running; see docs/performance.md). Whatever cycles loading
    leaves are collected afterwards as usual.
    """
    global _pausing, _was_enabled  # noqa: PLW0603  (one process-wide switch, guarded by the lock)
    with _pause_lock:
        if _pausing == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pausing += 1
    try:
        yield
    finally:
        # Concurrent loads share the switch: the last one out restores what the
        # first one in found, so the collector is never left off by accident.
        with _pause_lock:
            _pausing -= 1
            if _pausing == 0 and _was_enabled:
                gc.enable()


_pause_lock = threading.Lock()
_pausing = 0
_was_enabled = True


def _load(
    given: str | os.PathLike[str],
    record: type[BaseModel] | None,
    texts: Mapping[str, str] | None = None,
) -> _Loaded:
    out = _Loaded(None, [], {}, texts)
    path = Path(given) if texts is not None else locate(given)
    if isinstance(path, Diagnostic):
        out.diagnostics.append(path)
        return out
    manifest_path = path / MANIFEST if texts is None and is_folder(path) else path
    root = manifest_path.parent
    manifest_tree = _read(manifest_path, out)
    if manifest_tree is None:
        return out
    file = str(manifest_path)
    manifest, problems = validate_manifest(manifest_tree, file)
    out.diagnostics += problems
    if manifest is None:
        return out
    spans = Spans(manifest_tree, file)
    model = record or _record_model(manifest, spans, out)
    if model is None:
        return out
    schema = RecordSchema.from_model(model)
    facts: dict[str, SchemaType] = {
        name: fact_type(doc.type, doc.values) for name, doc in manifest.facts.items()
    }
    ctx = CheckContext(manifest, spans, schema, facts)
    out.diagnostics += run_checks(ctx, "manifest")
    builder = StageBuilder(manifest, schema, facts)
    # One file at a time: each YAML tree is dropped once its stage is built.
    stages = tuple(
        builder.build(source) for source in _stage_sources(manifest, root, schema, spans, out)
    )
    documents_broken = any(d.is_error for d in out.diagnostics)
    ctx = replace(ctx, stages=stages)
    out.diagnostics += builder.diagnostics + run_checks(ctx, "stage")
    if documents_broken or len(stages) != len(manifest.stages):
        return out  # the graph checks would only echo the missing or broken nodes
    graphs = {stage.id: nx.freeze(stage_graph(stage)) for stage in stages}
    out.diagnostics += run_checks(replace(ctx, graphs=graphs), "graph")
    if any(d.is_error for d in out.diagnostics):
        return out
    out.pathway = Pathway(
        manifest=manifest,
        stages=stages,
        graphs=graphs,
        record_model=model,
        record_name=record_name(model),
        schema=schema,
        digest=_digest(out.texts),
        source=manifest_path,
        texts=out.texts,
        warnings=tuple(sorted(out.diagnostics, key=Diagnostic.sort_key)),
    )
    return out


def _read(path: Path, out: _Loaded, within: Path | None = None) -> YNode | None:
    if out.given is not None:
        text = out.given.get(str(path), "")
        tree, problems = parse_yaml(text, str(path))
    else:
        # Only a regular file is read (a device never ends; a pipe may never open).
        tree, problems, text = read_yaml(path, within=within)
    out.texts[str(path)] = text
    out.diagnostics += problems
    return tree if not any(d.is_error for d in problems) else None


def _record_model(manifest: ManifestDoc, spans: Spans, out: _Loaded) -> type[BaseModel] | None:
    if manifest.record is None:
        out.diagnostics.append(
            diagnostic(
                "SPX203",
                "'record' is required: name the record model the conditions read",
                spans.value(()),
                hint="add 'record: spinedx.patient', or pass record= to load_pathway",
            )
        )
        return None
    model = record_model(manifest.record)
    if model is None:
        out.diagnostics.append(
            diagnostic(
                "SPX207",
                f"no record model is registered as '{manifest.record}'",
                spans.value(("record",)),
                path=("record",),
                hint="registered: " + ", ".join(record_names()),
            )
        )
    return model


def _stage_sources(
    manifest: ManifestDoc, root: Path, schema: RecordSchema, spans: Spans, out: _Loaded
) -> Iterator[StageSource]:
    sections = set(schema.root.fields)
    seen: set[str] = set()
    for index, entry in enumerate(manifest.stages):
        where = ("stages", index)
        if entry.id in seen:
            out.diagnostics.append(
                diagnostic("SPX206", f"stage '{entry.id}' is listed twice", spans.value(where))
            )
            continue
        seen.add(entry.id)  # its 'data:' sections are checked by the manifest checks
        owns = frozenset(entry.data) if entry.data is not None else frozenset({entry.id}) & sections
        stage_path = root / manifest.stage_file(entry)
        # Texts given (unpickling) passed these checks when they were first read.
        if out.given is None and (
            problem := _not_readable(entry.id, manifest.stage_file(entry), root, spans.value(where))
        ):
            out.diagnostics.append(problem)
            continue
        # Checked again on the file as opened: the link may change in between.
        tree = _read(stage_path, out, within=root)
        if tree is None:
            continue
        header, nodes, problems = validate_stage(tree, str(stage_path))
        out.diagnostics += problems
        if header is None:
            continue
        if header.stage != entry.id:
            out.diagnostics.append(
                diagnostic(
                    "SPX206",
                    f"this file says 'stage: {header.stage}' but the manifest lists it "
                    f"as stage '{entry.id}'",
                    Spans(tree, str(stage_path)).value(("stage",)),
                    path=("stage",),
                )
            )
            continue
        yield StageSource(str(stage_path), tree, header, nodes, owns)


def _not_readable(stage: str, file: str, root: Path, where: Span) -> Diagnostic | None:
    """Why a stage's file will not be read; None when it will."""
    found = what_is(root / file)
    if found == "does not exist":
        message = f"stage '{stage}' has no file '{file}' beside the manifest"
        hint = "create the file, or set the stage's 'file:'"
        return diagnostic("SPX206", message, where, hint=hint)
    if found:
        message = f"stage '{stage}' file '{file}' {found}"
        hint = f"put the stage's YAML in '{file}', or set the stage's 'file:' to the file with it"
        return diagnostic("SPX206", message, where, hint=hint)
    if not is_inside(root / file, root):
        # A link out of the folder could show lines of any readable file in diagnostics.
        return diagnostic(
            "SPX206",
            f"stage '{stage}' file '{file}' is a link to a file outside the pathway folder",
            where,
            hint="copy the file into the pathway folder; spinedx reads no file outside it",
        )
    return None


def _digest(texts: Mapping[str, str]) -> str:
    hasher = hashlib.sha256()
    for name, text in texts.items():  # manifest first, then stages in manifest order
        hasher.update(Path(name).name.encode() + b"\0" + text.encode() + b"\0")
    return "sha256:" + hasher.hexdigest()


# ----------------------------------------------------------------- pickling


def _reduce(pathway: Pathway) -> tuple[Callable[..., Pathway], tuple[object, ...]]:
    """Pickle as content: where it came from (a name only), the text of each file,
    the record model (by reference, with its registered name) and the digest."""
    model = pathway.record_model
    registered = pathway.record_name if record_model(pathway.record_name) is model else None
    texts = dict(pathway.texts)
    return _rebuild, (str(pathway.source), texts, model, registered, pathway.digest)


def _rebuild(
    source: str, texts: dict[str, str], model: type[BaseModel], name: str | None, digest: str
) -> Pathway:
    """Build a pickled pathway again from its texts, after checking them against its digest."""
    if _digest(texts) != digest:
        raise PathwayChangedError(
            f"the pickled pathway from {source} does not match its digest "
            f"(its texts give {_digest(texts)}, expected {digest}); load and pickle it again"
        )
    if name is not None and record_model(name) is None:
        register_record(name, model)  # a fresh process has not run the registration
    with _collector_paused():
        loaded = _load(source, model, texts)
    if loaded.pathway is None:
        raise PathwayError(loaded.diagnostics, loaded.texts)
    return loaded.pathway


copyreg.pickle(Pathway, _reduce)


# ------------------------------------------------------------------ records


@overload
def load_patient(path: str | os.PathLike[str], model: None = None) -> BaseModel: ...


@overload
def load_patient(path: str | os.PathLike[str], model: type[_R]) -> _R: ...


def load_patient(path: str | os.PathLike[str], model: type[BaseModel] | None = None) -> BaseModel:
    """Load a patient file into the record model, ``Patient`` by default.

    The result has the type of the model given: ``load_patient(path, Patient)``
    is a ``Patient`` to a type checker too. Without a model it is typed as a
    pydantic ``BaseModel`` (the engine does not know the built-in record's
    type), though it is a ``Patient``.

    A ``.json`` file is read by JSON's grammar, any other as strict YAML; both
    refuse repeated keys and give every problem its line and column.

    Raises:
        PatientError: every problem, with field path, expected value and position.

    Example:
        >>> patient = load_patient("examples/patients/no-red-flags.yaml")
        >>> patient.history.cancers
        []
    """
    return load_record(_patient_model(model), path)


def _patient_model(model: type[BaseModel] | None) -> type[BaseModel]:
    if model is not None:
        return model
    found = record_model("spinedx.patient")
    assert found is not None
    return found
