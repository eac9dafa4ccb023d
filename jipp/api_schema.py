"""The refusals every open-data operation may answer with, written into the schema.

drf-spectacular documents the success of each operation; a client also needs to know
the answers it gets when it asks wrongly (400: a filter value out of range or a broken
cursor), for something absent (404) or too often (429). One postprocessing hook adds
them to every operation, so no view can forget.
"""

from __future__ import annotations

from typing import Any

ERROR = {
    "type": "object",
    "description": "What was wrong: `detail`, or a list of messages per parameter.",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


def _response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERROR}}}


def add_error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            responses.setdefault("429", _response("Too many requests from this address."))
            if operation.get("parameters"):
                responses.setdefault("400", _response("A parameter was not acceptable."))
            if "{" in path:
                responses.setdefault("404", _response("Nothing public by that name."))
    return result
