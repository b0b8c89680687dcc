"""Inbound frame parsing for both endpoints: every rejection reason and what a valid frame keeps."""

from __future__ import annotations

import json
from typing import Any

import pytest

from handoff.errors import BadFrame, FrameTooLarge, UnknownFrame
from handoff.protocol import AGENT_FRAMES, EMPLOYEE_FRAMES, SKILLS, entry_frame, parse_frame

MAX = 4096


def emp(frame: Any, max_text: int = MAX) -> dict[str, Any]:
    return parse_frame(json.dumps(frame), EMPLOYEE_FRAMES, max_text)


def agt(frame: Any, max_text: int = MAX) -> dict[str, Any]:
    return parse_frame(json.dumps(frame), AGENT_FRAMES, max_text)


# --- valid frames -------------------------------------------------------------------------------------------------
VALID_EMPLOYEE = [
    {"type": "hello", "token": "abc.def"},
    {"type": "hello", "token": "abc.def", "last_seen": 12},
    {"type": "message", "text": "hi"},
    {"type": "message", "text": "hi", "client_id": "m-1_2.3:4"},
    {"type": "typing", "active": True},
    {"type": "cancel_waiting"},
    {"type": "end"},
    {"type": "rating", "score": 5},
    {"type": "rating", "score": 1, "comment": "fine"},
    {"type": "ping"},
]

VALID_AGENT = [
    {"type": "hello", "token": "abc.def"},
    {"type": "presence", "status": "online"},
    {"type": "open", "conversation_id": "c1"},
    {"type": "open", "conversation_id": "c1", "last_seen": 0},
    {"type": "claim", "conversation_id": "c1"},
    {"type": "decline", "conversation_id": "c1"},
    {"type": "message", "conversation_id": "c1", "text": "hello", "client_id": "a1"},
    {"type": "note", "conversation_id": "c1", "text": "a note"},
    {"type": "typing", "conversation_id": "c1", "active": False},
    {"type": "transfer", "conversation_id": "c1", "to_agent": "ben"},
    {"type": "transfer", "conversation_id": "c1", "to_skill": "payroll"},
    {"type": "hand_back", "conversation_id": "c1", "summary": "done", "label": {"needed": True}},
    {"type": "close", "conversation_id": "c1", "label": {}},
    {"type": "ping"},
]


@pytest.mark.parametrize("frame", VALID_EMPLOYEE, ids=lambda f: f["type"])
def test_valid_employee_frames_parse_to_themselves(frame: dict[str, Any]) -> None:
    """Each valid employee frame parses to exactly its fields."""
    assert emp(frame) == frame


@pytest.mark.parametrize("frame", VALID_AGENT, ids=lambda f: f["type"])
def test_valid_agent_frames_parse_to_themselves(frame: dict[str, Any]) -> None:
    """Each valid agent frame parses to exactly its fields."""
    assert agt(frame) == frame


def test_bytes_frames_are_accepted() -> None:
    """A frame may arrive as UTF-8 bytes."""
    assert parse_frame('{"type":"message","text":"héllo"}'.encode(), EMPLOYEE_FRAMES, MAX)["text"] == "héllo"


def test_unknown_extra_fields_are_dropped() -> None:
    """Fields the schema does not name are dropped, not passed on."""
    assert emp({"type": "message", "text": "hi", "admin": True, "__proto__": {}}) == {"type": "message", "text": "hi"}


def test_null_optional_field_is_treated_as_absent() -> None:
    """An optional field sent as null is left out."""
    assert emp({"type": "message", "text": "hi", "client_id": None}) == {"type": "message", "text": "hi"}


# --- malformed frames ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("raw", ["", "not json", "{", "{'type': 'ping'}", b"\xff\xfe\xfa"])
def test_not_json_is_a_bad_frame(raw: str | bytes) -> None:
    """Text that is not JSON is a bad frame."""
    with pytest.raises(BadFrame) as caught:
        parse_frame(raw, EMPLOYEE_FRAMES, MAX)
    assert type(caught.value) is BadFrame


@pytest.mark.parametrize("raw", ["[]", '"ping"', "42", "null", "true", '[{"type": "ping"}]'])
def test_non_object_is_a_bad_frame(raw: str) -> None:
    """A JSON value other than an object is a bad frame."""
    with pytest.raises(BadFrame):
        parse_frame(raw, EMPLOYEE_FRAMES, MAX)


@pytest.mark.parametrize("frame", [{}, {"text": "hi"}, {"type": None}, {"type": 3}, {"type": ["ping"]}])
def test_missing_or_non_string_type_is_a_bad_frame(frame: dict[str, Any]) -> None:
    """A frame needs a string type."""
    with pytest.raises(BadFrame) as caught:
        emp(frame)
    assert type(caught.value) is BadFrame


@pytest.mark.parametrize("frame_type", ["claim", "presence", "HELLO", ""])
def test_unknown_type_for_the_employee_endpoint(frame_type: str) -> None:
    """A type the employee endpoint does not accept (even an agent one) is an UnknownFrame."""
    with pytest.raises(UnknownFrame):
        emp({"type": frame_type, "conversation_id": "c1"})


@pytest.mark.parametrize("frame_type", ["rating", "cancel_waiting", "end"])
def test_unknown_type_for_the_agent_endpoint(frame_type: str) -> None:
    """A type only the employee endpoint accepts is an UnknownFrame on the agent endpoint."""
    with pytest.raises(UnknownFrame):
        agt({"type": frame_type})


@pytest.mark.parametrize(
    ("schema", "frame"),
    [
        ("employee", {"type": "hello"}),
        ("employee", {"type": "message"}),
        ("employee", {"type": "message", "text": None}),
        ("employee", {"type": "typing"}),
        ("employee", {"type": "rating"}),
        ("agent", {"type": "message", "text": "hi"}),
        ("agent", {"type": "message", "conversation_id": "c1"}),
        ("agent", {"type": "claim"}),
        ("agent", {"type": "hand_back", "conversation_id": "c1"}),
        ("agent", {"type": "close", "conversation_id": "c1"}),
        ("agent", {"type": "presence"}),
    ],
)
def test_missing_required_field_is_a_bad_frame(schema: str, frame: dict[str, Any]) -> None:
    """A frame without one of its required fields is a bad frame."""
    with pytest.raises(BadFrame) as caught:
        (emp if schema == "employee" else agt)(frame)
    assert type(caught.value) is BadFrame


@pytest.mark.parametrize(
    ("schema", "frame"),
    [
        ("employee", {"type": "message", "text": 5}),
        ("employee", {"type": "message", "text": ["hi"]}),
        ("employee", {"type": "typing", "active": 1}),
        ("employee", {"type": "typing", "active": "true"}),
        ("employee", {"type": "rating", "score": True}),
        ("employee", {"type": "rating", "score": False}),
        ("employee", {"type": "rating", "score": 4.0}),
        ("employee", {"type": "rating", "score": "4"}),
        ("employee", {"type": "rating", "score": -1}),
        ("employee", {"type": "hello", "token": "t", "last_seen": True}),
        ("agent", {"type": "open", "conversation_id": "c1", "last_seen": -3}),
        ("agent", {"type": "close", "conversation_id": "c1", "label": []}),
        ("agent", {"type": "close", "conversation_id": "c1", "label": "ok"}),
        ("agent", {"type": "claim", "conversation_id": 7}),
        ("agent", {"type": "typing", "conversation_id": "c1", "active": 0}),
    ],
)
def test_wrong_field_type_is_a_bad_frame(schema: str, frame: dict[str, Any]) -> None:
    """A field of the wrong JSON type is a bad frame; booleans are not integers and integers not booleans."""
    with pytest.raises(BadFrame):
        (emp if schema == "employee" else agt)(frame)


@pytest.mark.parametrize("bad_id", ["", "a b", "c/1", "c\n1", "é", "a" * 129, "<script>", "c1;drop"])
def test_ids_with_bad_characters_or_too_long_are_bad_frames(bad_id: str) -> None:
    """Ids are 1 to 128 ASCII letters, digits, '-', '_', '.' or ':'."""
    with pytest.raises(BadFrame):
        agt({"type": "claim", "conversation_id": bad_id})


def test_id_of_128_characters_is_accepted() -> None:
    """An id of exactly 128 allowed characters is fine."""
    assert agt({"type": "claim", "conversation_id": "a" * 128})["conversation_id"] == "a" * 128


@pytest.mark.parametrize("skill", sorted(SKILLS))
def test_known_skills_are_accepted(skill: str) -> None:
    """A transfer to any known skill parses."""
    assert agt({"type": "transfer", "conversation_id": "c1", "to_skill": skill})["to_skill"] == skill


@pytest.mark.parametrize("skill", ["HR", "legal", "", 3, True])
def test_unknown_skill_is_a_bad_frame(skill: object) -> None:
    """A transfer to a skill that does not exist is a bad frame."""
    with pytest.raises(BadFrame):
        agt({"type": "transfer", "conversation_id": "c1", "to_skill": skill})


@pytest.mark.parametrize("skill", [["hr"], {"hr": 1}])
def test_unhashable_skill_is_a_bad_frame(skill: object) -> None:
    """A skill sent as a list or object is a bad frame, not a crash."""
    with pytest.raises(BadFrame):
        agt({"type": "transfer", "conversation_id": "c1", "to_skill": skill})


@pytest.mark.parametrize("text", ["\u0000\u0001", "hi\u0007", "payslip\u001b[2J", "ok\u007f", "a\u0085b"])
def test_control_characters_in_text_are_a_bad_frame(text: str) -> None:
    """Control characters in a text (a NUL, a bell, a terminal escape) are refused, not stored or relayed."""
    with pytest.raises(BadFrame, match="control characters"):
        emp({"type": "message", "text": text})
    with pytest.raises(BadFrame, match="control characters"):
        agt({"type": "note", "conversation_id": "c1", "text": text})


def test_line_breaks_tabs_and_other_scripts_are_kept() -> None:
    """Line breaks, tabs, emoji and other scripts are ordinary text."""
    text = "line one\r\nline two\tend 👍 je veux parler à quelqu'un 你好"
    assert emp({"type": "message", "text": text})["text"] == text


# --- size limits --------------------------------------------------------------------------------------------------
def test_text_at_the_limit_is_accepted() -> None:
    """A text of exactly max_text bytes is accepted."""
    assert len(emp({"type": "message", "text": "a" * 100}, max_text=100)["text"]) == 100


def test_text_over_the_limit_is_too_large() -> None:
    """A text one byte over max_text raises FrameTooLarge."""
    with pytest.raises(FrameTooLarge):
        emp({"type": "message", "text": "a" * 101}, max_text=100)


def test_multibyte_text_is_measured_in_bytes() -> None:
    """The text limit counts UTF-8 bytes, so 51 two-byte characters exceed 100 bytes."""
    assert emp({"type": "message", "text": "é" * 50}, max_text=100)["text"] == "é" * 50
    with pytest.raises(FrameTooLarge):
        parse_frame(json.dumps({"type": "message", "text": "é" * 51}, ensure_ascii=False), EMPLOYEE_FRAMES, 100)


def test_optional_text_fields_are_limited_too() -> None:
    """An optional text field such as a rating comment is limited like any text."""
    with pytest.raises(FrameTooLarge):
        emp({"type": "rating", "score": 3, "comment": "x" * 101}, max_text=100)


def test_whole_frame_over_the_limit_is_too_large() -> None:
    """A frame well beyond four times max_text is refused, even if the bulk is in unknown fields."""
    with pytest.raises(FrameTooLarge):
        emp({"type": "ping", "padding": "x" * 2000}, max_text=100)


def test_whole_frame_limit_counts_bytes_of_text_frames() -> None:
    """The whole-frame limit counts UTF-8 bytes also when the frame arrives as text."""
    raw = json.dumps({"type": "ping", "padding": "é" * 1000}, ensure_ascii=False)
    assert len(raw) < 4 * 100 + 1024 < len(raw.encode())
    with pytest.raises(FrameTooLarge):
        parse_frame(raw, EMPLOYEE_FRAMES, 100)


def test_deeply_nested_json_is_a_bad_frame() -> None:
    """A frame nested deeper than the parser can handle is a bad frame, not a crash."""
    raw = '{"type": "ping", "x": ' + "[" * 5000 + "]" * 5000 + "}"
    with pytest.raises(BadFrame):
        parse_frame(raw, EMPLOYEE_FRAMES, MAX)


def test_entry_frame_wraps_an_entry() -> None:
    """An outbound entry frame carries the type, the conversation id and the entry's fields."""
    assert entry_frame("c1", {"id": 3, "kind": "bot"}) == {
        "type": "entry",
        "conversation_id": "c1",
        "id": 3,
        "kind": "bot",
    }
