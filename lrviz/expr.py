"""Safe arithmetic expressions in ``t``, for lambda-style schedulers (``lr_lambda``).

Allowed: numbers, the variable ``t`` (the step, or the epoch the scheduler
counts), ``pi`` and ``e``, the operators ``+ - * / // % **``, parentheses, and the
functions ``min, max, floor, ceil, exp, log, sqrt, cos, sin, abs``. The text is parsed with :mod:`ast` and every node
is checked against that list; nothing is ever passed to ``eval``. The result
is a vectorized numpy function of an int64 array.

    >>> f = compile_expr("0.95 ** t")
    >>> float(f(np.array([2]))[0])
    0.9025
"""

from __future__ import annotations

import ast
import math
from typing import Callable

import numpy as np

from .errors import ParameterError
from .units import to_float

MAX_LENGTH = 500

_FUNCTIONS: dict[str, Callable[..., np.ndarray]] = {
    "floor": np.floor, "ceil": np.ceil, "exp": np.exp, "log": np.log, "sqrt": np.sqrt,
    "cos": np.cos, "sin": np.sin, "abs": np.abs,
}
_CONSTANTS = {"pi": math.pi, "e": math.e}
_BINARY = {
    ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: np.true_divide,
    ast.FloorDiv: np.floor_divide, ast.Mod: np.mod, ast.Pow: np.power,
}
ALLOWED = "numbers, t, pi, e, + - * / // % **, parentheses, min, max, " + ", ".join(_FUNCTIONS)


def compile_expr(text: str, param: str = "lr_lambda") -> Callable[[np.ndarray], np.ndarray]:
    """Compile ``text`` into ``f(t) -> float64 array``; raise ParameterError naming what is not allowed."""
    if not isinstance(text, str):
        if isinstance(text, (int, float)) and not isinstance(text, bool):
            text = repr(text)
        else:
            raise ParameterError(param, f"expected an expression in t such as '0.95 ** t'; got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ParameterError(param, f"expression longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as err:
        raise ParameterError(param, f"not an expression: {text!r} (column {err.offset or 0})") from None
    build = _compiler(param, text)
    fn = build(tree.body)

    def evaluate(t: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            out = fn(t.astype(np.float64))
        return np.broadcast_to(np.asarray(out, dtype=np.float64), t.shape).copy()

    # an expression without t ('1', '0.5 * pi') is the same number at every step
    evaluate.constant = not any(isinstance(n, ast.Name) and n.id == "t" for n in ast.walk(tree))
    return evaluate


def _compiler(param: str, text: str):
    def refuse(node: ast.AST, what: str) -> ParameterError:
        col = getattr(node, "col_offset", 0) + 1
        return ParameterError(param, f"{what} is not allowed in {text!r} (column {col}); allowed: {ALLOWED}")

    def build(node: ast.AST) -> Callable[[np.ndarray], np.ndarray]:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                raise refuse(node, f"the constant {node.value!r}")
            value = to_float(param, node.value)  # an int beyond float range is refused as too large
            return lambda t: value
        if isinstance(node, ast.Name):
            if node.id == "t":
                return lambda t: t
            if node.id in _CONSTANTS:
                value = _CONSTANTS[node.id]
                return lambda t: value
            raise refuse(node, f"the name {node.id!r}")
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = build(node.operand)
            return (lambda t: np.negative(inner(t))) if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            op, left, right = _BINARY[type(node.op)], build(node.left), build(node.right)
            return lambda t: op(left(t), right(t))
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.keywords:
                raise refuse(node, "this call")
            name = node.func.id
            if name not in _FUNCTIONS and name not in ("min", "max"):
                raise refuse(node, f"the function {name!r}")
            args = [build(a) for a in node.args]
            if name in ("min", "max"):
                if len(args) < 2:
                    raise refuse(node, f"{name}() with fewer than two arguments")
                reduce = np.minimum if name == "min" else np.maximum

                def extreme(t, args=args, reduce=reduce):
                    out = args[0](t)
                    for a in args[1:]:
                        out = reduce(out, a(t))
                    return out

                return extreme
            if len(args) != 1:
                raise refuse(node, f"{name}() with {len(args)} arguments")
            fn, (arg,) = _FUNCTIONS[name], args
            return lambda t: fn(arg(t))
        raise refuse(node, f"{type(node).__name__.lower()}")

    return build
