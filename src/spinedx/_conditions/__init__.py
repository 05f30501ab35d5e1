"""(door, generated)"""

from spinedx._conditions.compile import (
    compile_expr,
    literal_value,
)
from spinedx._conditions.condition import (
    Condition,
    Read,
    check_value,
    compile_condition,
)
from spinedx._conditions.schema import (
    BoolType,
    ObjectType,
    RecordSchema,
    SchemaType,
    fact_type,
)
from spinedx._conditions.semantics import (
    normaliser,
)
from spinedx._conditions.tree import (
    BoolOp,
    Compare,
    Expr,
    FactRef,
    Literal,
    Not,
    Path,
    children,
)
from spinedx._conditions.typecheck import Types

__all__ = [
    "BoolOp",
    "BoolType",
    "Compare",
    "Condition",
    "Expr",
    "FactRef",
    "Literal",
    "Not",
    "ObjectType",
    "Path",
    "Read",
    "RecordSchema",
    "SchemaType",
    "Types",
    "check_value",
    "children",
    "compile_condition",
    "compile_expr",
    "fact_type",
    "literal_value",
    "normaliser",
]
