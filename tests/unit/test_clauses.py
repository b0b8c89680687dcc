"""Splitting a message into two questions only at clear seams."""

from __future__ import annotations

import pytest

from bot.nlu.clauses import MAX_STORY_QUESTIONS, questions_in_story, split_questions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "how many vacation days do I have and when is payday?",
            ("how many vacation days do I have", "when is payday"),
        ),
        ("when is payday? how much vacation do I have", ("when is payday", "how much vacation do I have")),
        ("what is my salary; when do I get paid", ("what is my salary", "when do I get paid")),
        ("where is my w2 and my payslip", ("where is my w2", "my payslip")),
    ],
)
def test_two_questions(text: str, expected: tuple[str, str]) -> None:
    assert split_questions(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "payday?",
        "book time off and check my balance",  # "and" before a verb: one request with two steps
        "vpn down? laptop broken? printer jammed?",  # three: not the two-question case
        "hi and what is my balance",  # "hi" is no question
        "",
        "and " * 200,
        "how many days do I have and when is payday? " * 10,  # a story, not two quick questions
    ],
)
def test_one_request(text: str) -> None:
    assert split_questions(text) is None


def test_the_questions_of_a_story() -> None:
    """A long message's questions are found wherever they are; statements and one-word questions are not."""
    story = (
        "My manager shouted at me again in front of the whole team today. I honestly don't know how much "
        "longer I can take it. Is that even allowed? Anyway, how many vacation days do I have left?\nthanks"
    )
    assert questions_in_story(story) == ["Is that even allowed", "Anyway, how many vacation days do I have left"]
    assert questions_in_story("when is payday?") == []  # one sentence: split_questions' case
    assert questions_in_story("It broke. Why?") == []
    assert questions_in_story("") == []
    assert len(questions_in_story("Is it? " * 10)) == MAX_STORY_QUESTIONS
