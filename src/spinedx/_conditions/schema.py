"""What a condition can read: value types taken from any pydantic v2 model.

The type checker never looks at pydantic directly; it sees the small closed
set of types below. ``RecordSchema.from_model`` reads a model's fields and
computed fields once (cached per model), follows nested models, lists and
cycles, and keeps each field's description and unit so that explanations and
"needs" can speak the clinician's words. A model may list, in a class attribute
``spinedx_parts``, fields that are parts of one whole (a measurement's value,
unit, flag, date): a need for such a part is described by the field holding it.
In ``spinedx_inputs`` it maps each computed field to the input fields it is
computed from (paths relative to the model, ``cancers[].status`` for items), so
that a need names what one can enter, never a computed field.

Example:
    >>> from pydantic import BaseModel, Field
    >>> class Labs(BaseModel):
    ...     crp: float | None = Field(
    ...         None, description="C-reactive protein", json_schema_extra={"unit": "mg/L"}
    ...     )
    >>> spec = RecordSchema.from_model(Labs).lookup(["crp"])
    >>> spec.type, spec.description, spec.unit
    (NumberType(integer=False), 'C-reactive protein', 'mg/L')
"""

from __future__ import annotations

import datetime
import enum
import threading
import types
import typing
import weakref
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from pydantic import BaseModel

from spinedx._diagnostics import closest


@dataclass(frozen=True, slots=True)
class BoolType:
    """true or false."""


@dataclass(frozen=True, slots=True)
class NumberType:
    """A number; ``integer`` when only whole numbers occur."""

    integer: bool = False


@dataclass(frozen=True, slots=True)
class TextType:
    """Free text."""


@dataclass(frozen=True, slots=True)
class EnumType:
    """One of a fixed set of texts; ``python`` is the Enum class when there is one."""

    values: tuple[str, ...]
    python: type[enum.Enum] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class DateType:
    """A calendar date (a datetime is read as its date)."""


@dataclass(frozen=True, slots=True)
class ListType:
    """A list whose items all have type ``item``."""

    item: SchemaType


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class ObjectType:
    """A group of named fields (a pydantic model); equal by identity, as models nest in cycles."""

    name: str
    fields: Mapping[str, FieldSpec]

    def __repr__(self) -> str:
        return f"ObjectType({self.name})"


@dataclass(frozen=True, slots=True)
class OpaqueType:
    """A value conditions cannot compare (a dict, a custom class); ``known()`` still works."""

    name: str


SchemaType = (
    BoolType | NumberType | TextType | EnumType | DateType | ListType | ObjectType | OpaqueType
)


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One readable field: its type, and the description and unit from the model.

    ``part`` says the model lists the field in its ``spinedx_parts``: the
    field holding the model describes it. ``inputs`` is ``None`` for an input
    field; for a computed one, the inputs its model declares (maybe none).
    """

    name: str
    type: SchemaType
    description: str | None = None
    unit: str | None = None
    part: bool = False
    inputs: tuple[str, ...] | None = None


PARTS_ATTRIBUTE = "spinedx_parts"
"""The class attribute where a record model lists the fields its holder describes."""

INPUTS_ATTRIBUTE = "spinedx_inputs"
"""The class attribute mapping a model's computed fields to the input fields behind them."""


_FACT_KINDS = ("bool", "enum", "number", "integer", "text", "date")


def fact_type(kind: str, values: Sequence[str] | None = None) -> SchemaType:
    """The type of a fact declared in a pathway manifest.

    Args:
        kind: One of ``bool``, ``enum``, ``number``, ``integer``, ``text``, ``date``.
        values: The allowed values, required for ``enum``.

    Raises:
        ValueError: For another kind, or an enum without values.

    Example:
        >>> fact_type("enum", ["low", "high"])
        EnumType(values=('low', 'high'))
    """
    if kind == "enum":
        if not values:
            raise ValueError("an enum fact needs its values")
        return EnumType(tuple(values))
    simple: dict[str, SchemaType] = {
        "bool": BoolType(),
        "number": NumberType(),
        "integer": NumberType(integer=True),
        "text": TextType(),
        "date": DateType(),
    }
    if kind not in simple:
        raise ValueError(f"unknown fact type {kind!r}; expected one of {', '.join(_FACT_KINDS)}")
    return simple[kind]


class RecordSchema:
    """The readable fields of one pydantic record model, as a tree of types."""

    _cache: typing.ClassVar[weakref.WeakKeyDictionary[type[BaseModel], RecordSchema]] = (
        weakref.WeakKeyDictionary()
    )
    _lock: typing.ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, model: type[BaseModel], root: ObjectType) -> None:
        self.model = model
        self.root = root
        self._paths = tuple(sorted(_walk_paths(root)))

    @classmethod
    def from_model(cls, model: type[BaseModel]) -> RecordSchema:
        """The schema of ``model``, built once and then reused."""
        with cls._lock:
            cached = cls._cache.get(model)
        if cached is not None:
            return cached
        schema = cls(model, _Reader().object_type(model))
        with cls._lock:
            return cls._cache.setdefault(model, schema)

    def lookup(self, path: Sequence[str]) -> FieldSpec | None:
        """The field at ``path``; list items are entered implicitly (``cancers[].status``)."""
        current: SchemaType = self.root
        spec: FieldSpec | None = None
        for raw in path:
            name = raw.split("[", 1)[0]
            while isinstance(current, ListType):
                current = current.item
            if not isinstance(current, ObjectType):
                return None
            spec = current.fields.get(name)
            if spec is None:
                return None
            current = spec.type
        return spec

    def describe(self, dotted: str) -> str | None:
        """The description of a dotted path such as ``history.cancers[].status``."""
        spec = self.lookup(dotted.split("."))
        return spec.description if spec else None

    def describe_need(self, dotted: str) -> str | None:
        """The words for a missing field: its description, or for a part its holder's first.

        With the built-in record, ``labs.calcium.flag`` (``flag`` is one of
        ``LabResult.spinedx_parts``) reads ``Adjusted (albumin-corrected)
        calcium, in mmol/L. (flag: The laboratory's flag: …)``.
        """
        spec = self.lookup(dotted.split("."))
        if spec is None:
            return None
        holder = dotted.rpartition(".")[0]
        about = self.describe(holder) if spec.part and holder else None
        if not about:
            return spec.description
        return f"{about} ({spec.name}: {spec.description})" if spec.description else about

    def suggest(self, path: Sequence[str]) -> str | None:
        """A "did you mean" for a path that does not exist, as a dotted path.

        First a close name among the siblings where the path fails, then a
        field of that exact name elsewhere (``age`` → ``history.age``), then
        the closest field name anywhere.
        """
        current: SchemaType = self.root
        for index, name in enumerate(path):
            while isinstance(current, ListType):
                current = current.item
            if not isinstance(current, ObjectType):
                return None
            spec = current.fields.get(name)
            if spec is not None:
                current = spec.type
                continue
            prefix = ".".join(path[:index])
            sibling = closest(name, current.fields)
            if sibling is not None:
                return ".".join(filter(None, (prefix, sibling)))
            return self._elsewhere(name)
        return None

    def _elsewhere(self, name: str) -> str | None:
        leaves = {p.rsplit(".", 1)[-1].removesuffix("[]"): p for p in reversed(self._paths)}
        if name in leaves:
            return leaves[name]
        near = closest(name, leaves)
        return leaves[near] if near is not None else None

    def all_paths(self) -> list[str]:
        """Every readable dotted path, list items written ``name[].field``."""
        return list(self._paths)


def _walk_paths(root: ObjectType) -> typing.Iterator[str]:
    stack: list[tuple[str, ObjectType, frozenset[int]]] = [("", root, frozenset({id(root)}))]
    while stack:
        prefix, obj, seen = stack.pop()
        for name, spec in obj.fields.items():
            path = f"{prefix}{name}"
            yield path
            inner, suffix = spec.type, ""
            while isinstance(inner, ListType):
                inner, suffix = inner.item, suffix + "[]"
            if isinstance(inner, ObjectType) and id(inner) not in seen:
                stack.append((f"{path}{suffix}.", inner, seen | {id(inner)}))


# Decimal and Fraction stay opaque: they do not mix with float in arithmetic.
_NUMBERS = (int, float)
_LISTS = (list, tuple, set, frozenset, Sequence, AbstractSet)


class _Reader:
    """Turns annotations into types; one per ``from_model`` call, to tie cycles."""

    def __init__(self) -> None:
        self.objects: dict[type[BaseModel], ObjectType] = {}

    def object_type(self, model: type[BaseModel]) -> ObjectType:
        if model in self.objects:
            return self.objects[model]
        if not model.__pydantic_complete__:  # forward references not yet resolved
            model.model_rebuild(raise_errors=False)
        fields: dict[str, FieldSpec] = {}
        obj = ObjectType(model.__name__, types.MappingProxyType(fields))
        self.objects[model] = obj  # registered before the fields, so cycles resolve to it
        parts, inputs = _parts(model), _inputs(model)
        for name, info in model.model_fields.items():
            fields[name] = FieldSpec(
                name,
                self.type_of(info.annotation),
                info.description,
                _unit(info.json_schema_extra),
                name in parts,
            )
        for name, computed in model.model_computed_fields.items():
            fields[name] = FieldSpec(
                name,
                self.type_of(computed.return_type),
                computed.description,
                _unit(computed.json_schema_extra),
                name in parts,
                inputs.get(name, ()),
            )
        return obj

    def type_of(self, annotation: object) -> SchemaType:
        origin, args = typing.get_origin(annotation), typing.get_args(annotation)
        if origin is typing.Annotated:
            return self.type_of(args[0])
        if origin is typing.Union or origin is types.UnionType:
            return self.union([a for a in args if a is not type(None)])
        if origin is typing.Literal:
            return _literal_type(args)
        if origin in _LISTS:
            items = [a for a in args if a is not Ellipsis] or [object]
            item_types = {self.type_of(a) for a in items}
            return ListType(item_types.pop() if len(item_types) == 1 else OpaqueType("mixed"))
        supertype = getattr(annotation, "__supertype__", None)  # typing.NewType
        if supertype is not None:
            return self.type_of(supertype)
        if not isinstance(annotation, type):
            return OpaqueType(str(annotation))
        return self.class_type(annotation)

    def class_type(self, cls: type) -> SchemaType:
        if issubclass(cls, enum.Enum):
            return _enum_type(cls)
        if issubclass(cls, bool):
            return BoolType()
        if issubclass(cls, _NUMBERS):
            return NumberType(integer=issubclass(cls, int))
        if issubclass(cls, str):
            return TextType()
        if issubclass(cls, datetime.date):
            return DateType()
        if issubclass(cls, BaseModel):
            return self.object_type(cls)
        if cls in _LISTS:
            return ListType(OpaqueType("object"))
        return OpaqueType(cls.__name__)

    def union(self, members: list[object]) -> SchemaType:
        found = [self.type_of(m) for m in members]
        if len(found) == 1:
            return found[0]
        if all(isinstance(t, NumberType) for t in found):
            return NumberType(integer=all(isinstance(t, NumberType) and t.integer for t in found))
        if all(isinstance(t, DateType) for t in found):
            return DateType()
        if all(isinstance(t, TextType | EnumType) for t in found):
            return TextType()
        return OpaqueType(" | ".join(getattr(m, "__name__", str(m)) for m in members))


def _literal_type(values: tuple[object, ...]) -> SchemaType:
    if values and all(isinstance(v, str) for v in values):
        return EnumType(tuple(str(v) for v in values))
    if values and all(isinstance(v, bool) for v in values):
        return BoolType()
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return NumberType(integer=True)
    return OpaqueType("Literal")


def _enum_type(cls: type[enum.Enum]) -> SchemaType:
    members = list(cls)
    if issubclass(cls, int):
        return NumberType(integer=True)
    if members and all(isinstance(m.value, str) for m in members):
        return EnumType(tuple(m.value for m in members), python=cls)
    return OpaqueType(cls.__name__)


def _parts(model: type[BaseModel]) -> frozenset[str]:
    declared = getattr(model, PARTS_ATTRIBUTE, ())
    if isinstance(declared, str) or not isinstance(declared, typing.Iterable):
        raise TypeError(f"{model.__name__}.{PARTS_ATTRIBUTE} must be a set of field names")
    return frozenset(name for name in declared if isinstance(name, str))


def _inputs(model: type[BaseModel]) -> Mapping[str, tuple[str, ...]]:
    declared = getattr(model, INPUTS_ATTRIBUTE, {})
    if not isinstance(declared, Mapping):
        raise TypeError(f"{model.__name__}.{INPUTS_ATTRIBUTE} must map field names to paths")
    return {str(name): tuple(paths) for name, paths in declared.items()}


def _unit(extra: object) -> str | None:
    if isinstance(extra, dict):
        unit = extra.get("unit")
        return unit if isinstance(unit, str) else None
    return None
