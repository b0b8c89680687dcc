"""The handoff service's exceptions, and the one place that maps them to the wire.

    HandoffError                 (code, HTTP status, websocket close code or None = connection survives)
    ├── BadFrame                 malformed JSON or a frame that fails its schema          400
    │   ├── FrameTooLarge        a frame or text over the configured limit                 413
    │   └── UnknownFrame         a ``type`` this endpoint does not accept                  400
    ├── Unauthorized             missing, forged or expired token                          401, close 4401
    │   └── WrongCredentials     an agent id and password that don't match                 401
    ├── Forbidden                a valid identity asking for someone else's conversation   403
    ├── NotFound                 unknown conversation or agent                             404
    ├── IllegalTransition        the conversation's state does not allow the event         409
    │   └── AlreadyClaimed       another agent won the claim                               409
    ├── AtCapacity               the agent already has as many conversations as allowed    409
    ├── NoOneOnline              a transfer to an agent or team with nobody online         409
    └── Unavailable              Rasa or a backend did not answer                          503

Clients get the code and a generic sentence; the details go to the log only.
"""

from __future__ import annotations


class HandoffError(Exception):
    code = "internal"
    status = 500
    public = "Something went wrong on our side."
    close_code: int | None = None


class BadFrame(HandoffError):
    code = "bad_frame"
    status = 400
    public = "That message could not be understood."


class FrameTooLarge(BadFrame):
    code = "too_large"
    status = 413
    public = "That message is too long."


class UnknownFrame(BadFrame):
    code = "unknown_type"
    public = "That kind of message is not supported here."


class Unauthorized(HandoffError):
    code = "unauthorized"
    status = 401
    public = "Please sign in again."
    close_code = 4401


class WrongCredentials(Unauthorized):
    public = "That agent ID and password don't match."


class Forbidden(HandoffError):
    code = "forbidden"
    status = 403
    public = "You don't have access to that conversation."


class NotFound(HandoffError):
    code = "not_found"
    status = 404
    public = "No such conversation or agent."


class IllegalTransition(HandoffError):
    code = "illegal_transition"
    status = 409
    public = "That can't be done in the conversation's current state."


class AlreadyClaimed(IllegalTransition):
    code = "already_claimed"
    public = "Another agent has already taken this conversation."


class AtCapacity(HandoffError):
    code = "at_capacity"
    status = 409
    public = "You already have as many conversations as your capacity allows."


class NoOneOnline(HandoffError):
    code = "no_one_online"
    status = 409
    public = "Nobody who could take it is online right now, so it stays with you."


class Unavailable(HandoffError):
    code = "unavailable"
    status = 503
    public = "A service we depend on is not answering right now."


def error_frame(error: HandoffError, ref: str | None = None) -> dict[str, object]:
    """The ``error`` frame a client gets: the code and a generic sentence, never the internal details."""
    frame: dict[str, object] = {"type": "error", "code": error.code, "message": error.public}
    if ref is not None:
        frame["ref"] = ref
    return frame


def internal_error_frame(ref: str | None = None) -> dict[str, object]:
    return error_frame(HandoffError(), ref)
