"""(door, generated)"""

from spinedx._conditions.compile import (
    compile_expr,
    literal_value,
    normaliser,
)
from spinedx._conditions.condition import (
    Condition,
    Read,
    check_value,
    compile_condition,
)
from spinedx._conditions.schema import (
    RecordSchema,
    SchemaType,
    SuggestionBudget,
    closest,
    fact_type,
)
from spinedx._conditions.tree import (
    BoolOp,
    Compare,
    Expr,
    FactRef,
    Literal,
    Not,
    Path,
)
from spinedx._conditions.typecheck import Types

__all__ = [
    "BoolOp",
    "Compare",
    "Condition",
    "Expr",
    "FactRef",
    "Literal",
    "Not",
    "Path",
    "Read",
    "RecordSchema",
    "SchemaType",
    "SuggestionBudget",
    "Types",
    "check_value",
    "closest",
    "compile_condition",
    "compile_expr",
    "fact_type",
    "literal_value",
    "normaliser",
]
