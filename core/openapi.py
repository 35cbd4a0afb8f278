"""An OpenAPI 3.0 document of the JSON API, generated from the code (``app.url_map``).

Every rule under ``/api/`` becomes an operation: its path parameters (``<int:id>`` →
integer), its methods, who may call it (``x-roles``, read from the access decorator of
``core.web``), the session-cookie security scheme, and a generic JSON object body for
POST/PUT/PATCH. A view adds richer schemas with :func:`openapi` (or by setting an
``__openapi__`` dict on the function): the dict is merged into the operation, or, when its
keys are HTTP methods (``{"post": {...}}``), into that method's operation.

Served at ``/api/openapi.json`` to any logged-in user.
"""

from __future__ import annotations

import copy
import re
from typing import Any, Callable, TypeVar

from flask import Blueprint, Flask, current_app, jsonify

from core.web import ACCESS_ATTR, roles

F = TypeVar("F", bound=Callable[..., Any])
bp = Blueprint("openapi", __name__)

API_PREFIX = "/api/"
_METHODS = ("get", "put", "post", "delete", "patch")
_CONVERTERS = {
    "int": {"type": "integer", "minimum": 0},
    "float": {"type": "number"},
    "uuid": {"type": "string", "format": "uuid"},
    "path": {"type": "string"},
    "string": {"type": "string", "minLength": 1},
    "default": {"type": "string", "minLength": 1},
    "any": {"type": "string"},
}
_ARG = re.compile(r"<(?:(?P<conv>[a-zA-Z_][a-zA-Z0-9_]*)(?:\([^)]*\))?:)?(?P<name>[a-zA-Z_][a-zA-Z0-9_]*)>")
_ERROR = {"type": "object", "properties": {"error": {"type": "string"}}}


def openapi(spec: dict[str, Any]) -> Callable[[F], F]:
    """Attach an OpenAPI fragment to a view (put it under the route and access decorators)."""

    def decorate(view: F) -> F:
        view.__openapi__ = spec  # type: ignore[attr-defined]
        return view

    return decorate


def _hook(view: Any) -> dict[str, Any]:
    while view is not None:
        spec = getattr(view, "__openapi__", None)
        if isinstance(spec, dict):
            return spec
        view = getattr(view, "__wrapped__", None)
    return {}


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = copy.deepcopy(value)
    return base


def _operation(app: Flask, rule: Any, method: str, params: list[dict[str, Any]]) -> dict[str, Any]:
    view = app.view_functions[rule.endpoint]
    allowed = getattr(view, ACCESS_ATTR, None) or ()
    summary = (view.__doc__ or "").strip().splitlines()[0] if view.__doc__ else rule.endpoint
    op: dict[str, Any] = {
        "operationId": f"{rule.endpoint}.{method}",
        "summary": summary,
        "tags": [rule.endpoint.split(".")[0]],
        "x-roles": list(allowed),
        "responses": {
            "200": {"description": "OK", "content": {"application/json": {"schema": {}}}},
            "400": {"description": "Bad request", "content": {"application/json": {"schema": _ERROR}}},
            "403": {"description": "Not allowed for this role"},
            "404": {"description": "No such object, or not visible to this user"},
            "429": {"description": "Rate limit reached (Retry-After header)",
                    "content": {"application/json": {"schema": _ERROR}}},
        },
    }
    if "public" in allowed:
        op["security"] = []
    else:
        op["responses"]["401"] = {"description": "Not logged in"}
    if params:
        op["parameters"] = copy.deepcopy(params)
    if method in ("post", "put", "patch"):
        op["requestBody"] = {
            "required": False,
            "content": {"application/json": {"schema": {"type": "object", "additionalProperties": True}}},
        }
        op["responses"]["201"] = {"description": "Created", "content": {"application/json": {"schema": {}}}}
        op["responses"]["409"] = {"description": "Conflict with the current state"}
        op["responses"]["415"] = {"description": "Send JSON"}
        op["responses"]["422"] = {"description": "Understood but not possible"}
    hook = _hook(view)
    if hook:
        if set(hook) <= set(_METHODS):
            hook = hook.get(method, {})
        _merge(op, hook)
    return op


def build_document(app: Flask) -> dict[str, Any]:
    """The OpenAPI 3.0.3 document of every ``/api/…`` rule of ``app``."""
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith(API_PREFIX) or rule.endpoint == "static":
            continue
        params = []

        def _path_param(match: re.Match[str]) -> str:
            conv = match.group("conv") or "default"
            params.append({"name": match.group("name"), "in": "path", "required": True,
                           "schema": dict(_CONVERTERS.get(conv, {"type": "string"}))})
            return "{" + match.group("name") + "}"

        path = _ARG.sub(_path_param, rule.rule)
        item = paths.setdefault(path, {})
        for method in sorted(m.lower() for m in (rule.methods or ()) if m.lower() in _METHODS):
            item[method] = _operation(app, rule, method, params)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "CareMatch API",
            "version": _version(),
            "description": "The JSON API of CareMatch (精准关爱). Log in through /login; the session "
                           "cookie authenticates every call. x-roles lists the roles an operation admits; "
                           "objects outside the caller's board or area answer 403 or 404.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"securitySchemes": {"session": {
            "type": "apiKey", "in": "cookie", "name": app.config.get("SESSION_COOKIE_NAME", "session")}}},
        "security": [{"session": []}],
    }


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("carematch")
    except Exception:  # not installed as a distribution (a checkout on the path)
        return "0"


@bp.route("/api/openapi.json")
@roles("any")
def document():  # type: ignore[no-untyped-def]
    """This document."""
    return jsonify(build_document(current_app))
