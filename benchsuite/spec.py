"""Parse ``name:key=value,key=value`` specification strings (problems and dynamics on the command line)."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable

from .errors import SpecError

_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_INT = re.compile(r"^[+-]?\d+$")


def _value(text: str) -> int | float | bool | str:
    low = text.lower()
    if low in ("true", "false"):
        return low == "true"
    if _INT.match(text):
        return int(text)  # ValueError beyond the 4300 digits Python converts
    try:
        return float(text)
    except ValueError:
        return text


_OBJECT = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")


def parse_spec(spec: str, what: str = "spec", known: Callable[[str], bool] = lambda _name: True) -> tuple[str, dict]:
    """Split ``name:k=v,...`` or ``module:attribute:k=v,...`` into the name and a dict of typed values (bool,
    int, float or str).  A first part that ``known`` does not recognise, followed by an attribute name, is
    an object path ``module:attribute``."""
    if not isinstance(spec, str) or not spec.strip():
        raise SpecError(what, f"must be a non-empty string like 'name:key=value,...', got {spec!r}")
    parts = spec.strip().split(":")
    if len(parts) >= 2 and not known(parts[0]) and _OBJECT.match(f"{parts[0]}:{parts[1]}"):
        name, rest = f"{parts[0]}:{parts[1]}", ":".join(parts[2:])
    else:
        name, _, rest = spec.strip().partition(":")
    name = name.strip()
    if not name:
        raise SpecError(what, f"missing name before ':' in {spec!r}")
    params: dict = {}
    for item in filter(None, (p.strip() for p in rest.split(","))):
        key, eq, val = item.partition("=")
        key, val = key.strip(), val.strip()
        if not eq or not _KEY.match(key) or not val:
            raise SpecError(what, f"malformed item {item!r} in {spec!r}; expected key=value")
        if key in params:
            raise SpecError(what, f"key {key!r} given twice in {spec!r}")
        try:
            params[key] = _value(val)
        except ValueError:
            raise SpecError(key, f"{len(val)}-character number is beyond any usable range") from None
    return name, params


def call_with(func, params: dict, what: str, name: str):
    """Call ``func(**params)``; unknown, missing or positional-only keys become a SpecError naming them, and so
    does a callable that tries to exit the program (``builtins:exit``, a ``main`` that parses arguments)."""
    if not callable(func):
        raise SpecError(what, f"{name} is not callable (a {type(func).__name__})")
    try:
        signature = inspect.signature(func).parameters
    except (TypeError, ValueError):  # builtins without a signature: try the call, refuse what it refuses
        signature = None
    if signature is not None:
        positional = [p for p, info in signature.items() if info.kind is inspect.Parameter.POSITIONAL_ONLY]
        if positional:
            raise SpecError(what, f"{name} takes {', '.join(positional)} by position only; a spec gives keywords")
        accepted = [p for p, info in signature.items() if not p.startswith("_") and info.kind not in
                    (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)]  # fmt: skip
        if not any(info.kind is inspect.Parameter.VAR_KEYWORD for info in signature.values()):
            unknown = sorted(set(params) - set(accepted))
            if unknown:
                raise SpecError(what, f"{name} does not take {', '.join(unknown)}; it takes {', '.join(accepted)}")
        missing = [p for p in accepted if signature[p].default is inspect.Parameter.empty and p not in params]
        if missing:
            raise SpecError(missing[0], f"{name} needs {', '.join(missing)} (e.g. {name}:{missing[0]}=...)")
    try:
        return func(**params)
    except SystemExit:
        raise SpecError(what, f"{name} tried to exit the program; it is not a {what} generator") from None
    except TypeError as exc:
        if signature is None:
            raise SpecError(what, f"{name} cannot be called with keywords {sorted(params)} ({exc})") from None
        raise
