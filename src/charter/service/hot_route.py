"""A route on the hot path, handled without FastAPI's general request machinery.

When a meeting votes, every director's vote arrives at once and the last answer waits for all
of them, so each vote's cost is multiplied by the size of the board.  FastAPI's general handler
(dependency solving, per-parameter validation, content negotiation, telemetry hooks) cost about a
fifth of a vote's CPU, as much as judging the motion (benchmarks/RESULTS.md).  A :class:`HotRoute`
keeps FastAPI's documentation of the endpoint (its OpenAPI entry comes from the signature, as for
any route) and serves it with :func:`hot_handler`, which does the same work for the one shape of
signature it accepts: an authenticating dependency, path parameters and one JSON body.

The same requests get the same answers, errors included: the order (authentication first, then
every path and body error at once), the content-type rule (only ``application/json`` or
``+json`` bodies are parsed as JSON), and the error entries (``type``, ``loc``, ``msg``) come
from the same pydantic validators.  ``tests/test_service_hot_route.py`` sends the same requests
through both handlers and compares the answers.
"""

from __future__ import annotations

import email.message
import functools
import json
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from fastapi.exceptions import HTTPException, RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, TypeAdapter, ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

Handler = Callable[[Request], Coroutine[Any, Any, Response]]
HOT = "__charter_hot_handler__"
_UNPARSABLE = "There was an error parsing the body"  # FastAPI's words for the same case


class HotRoute(APIRoute):
    """An :class:`APIRoute` served by the handler attached to its endpoint with :func:`serve_hot`
    (FastAPI's own handler when none is attached).

    The handler is called straight from the route's ASGI app: FastAPI's wrapper around every
    handler (two exit stacks for dependencies with ``yield``, which the hot signature does not
    have, and a second pass through the exception handlers) is skipped; an error raised by the
    handler reaches the same exception handlers through Starlette's exception middleware."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        hot: Handler | None = getattr(self.endpoint, HOT, None)
        if hot is not None and kwargs.get("max_body_size") is None:
            self.app = _direct(hot)

    def get_route_handler(self) -> Handler:
        hot: Handler | None = getattr(self.endpoint, HOT, None)
        return hot if hot is not None else super().get_route_handler()


def _direct(handler: Handler) -> ASGIApp:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        response = await handler(Request(scope, receive, send))
        await response(scope, receive, send)

    return app


def serve_hot(endpoint: Callable[..., Any], handler: Handler) -> None:
    setattr(endpoint, HOT, handler)


def _located(error: ValidationError, prefix: tuple[str | int, ...]) -> list[dict[str, Any]]:
    out = []
    for entry in error.errors(include_url=False):
        out.append({**entry, "loc": (*prefix, *entry["loc"])})
    return out


@functools.lru_cache(maxsize=64)
def _is_json(content_type: str) -> bool:
    """FastAPI's test of a content type, remembered: clients send the same one every time, and
    parsing it as a MIME header costs as much as validating the body."""
    message = email.message.Message()
    message["content-type"] = content_type
    if message.get_content_maintype() != "application":
        return False
    subtype = message.get_content_subtype()
    return subtype == "json" or subtype.endswith("+json")


async def _body(request: Request, model: type[BaseModel]) -> tuple[BaseModel | None, list[Any]]:
    raw = await request.body()
    if not raw:
        missing = {"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}
        return None, [missing]
    content_type = request.headers.get("content-type")
    data: Any = raw  # not declared JSON: validated as the bytes it is (and refused)
    if content_type and _is_json(content_type):
        try:  # the usual case, parsed and validated in one step by pydantic's JSON parser
            return model.model_validate_json(raw), []
        except ValueError:  # refused: the general path below words the errors as FastAPI does
            pass
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as error:
            invalid = {
                "type": "json_invalid",
                "loc": ("body", error.pos),
                "msg": "JSON decode error",
                "input": {},
                "ctx": {"error": error.msg},
            }
            raise RequestValidationError([invalid], body=error.doc) from error
        except Exception as error:  # not text at all (bad UTF-8...): as FastAPI answers it
            raise HTTPException(status_code=400, detail=_UNPARSABLE) from error
    try:
        return model.model_validate(data, from_attributes=True), []
    except ValidationError as error:
        return None, _located(error, ("body",))


def hot_handler(
    endpoint: Callable[..., Awaitable[Response]],
    *,
    auth: tuple[str, Callable[[Request], Awaitable[Any]]],
    path: dict[str, Any],
    body: tuple[str, type[BaseModel]],
) -> Handler:
    """A handler calling ``endpoint(**path values, auth name=principal, body name=model)``.

    ``path`` maps each path parameter to its annotated type (the one in the signature, with its
    constraints); ``auth`` is the dependency's parameter name and function; ``body`` the body
    parameter's name and model."""
    adapters = {name: TypeAdapter(annotation) for name, annotation in path.items()}
    auth_name, authenticate = auth
    body_name, model = body

    async def handle(request: Request) -> Response:
        principal = await authenticate(request)
        values: dict[str, Any] = {}
        errors: list[Any] = []
        for name, adapter in adapters.items():
            try:
                values[name] = adapter.validate_python(
                    request.path_params[name], from_attributes=True
                )
            except ValidationError as error:
                errors += _located(error, ("path", name))
        parsed, body_errors = await _body(request, model)
        errors += body_errors
        if errors:
            raise RequestValidationError(errors)
        return await endpoint(**values, **{auth_name: principal, body_name: parsed})

    return handle
