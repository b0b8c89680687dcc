"""Escalation through the real Rasa and action servers: each reason, and a routine chat that stays with the bot."""

from __future__ import annotations

import pytest
import requests

from tests.e2e.conftest import Assistant, new_sender, text_of

pytestmark = pytest.mark.e2e


def decision(assistant: Assistant, sender: str) -> dict:  # type: ignore[type-arg]
    return assistant.tracker(sender)["slots"]["escalation"]


def test_routine_conversation_stays_with_the_bot(assistant: Assistant) -> None:
    sender = new_sender()
    for text in ("hi", "when do i get paid", "how many vacation days do i have left", "thanks!"):
        replies = text_of(assistant.say(sender, text))
        assert "request #" not in replies and "bring in" not in replies
        assert decision(assistant, sender)["decision"] == "continue"
    slots = assistant.tracker(sender)["slots"]
    assert len(slots["tone_timeline"]) == 4 and slots["escalation_state"]["escalated"] is False


def test_explicit_request(assistant: Assistant) -> None:
    sender = new_sender()
    reply = text_of(assistant.say(sender, "can i talk to a real person please"))
    assert "request #" in reply and decision(assistant, sender)["reason"] == "explicit_request"
    evidence = assistant.store.escalation(sender)
    assert evidence is not None and evidence[0] == "explicit_request"


def test_a_threat_against_a_workplace_gets_security_and_a_person(assistant: Assistant) -> None:
    """ "he's going to shoot up the place on friday" was "outside what I can help with"."""
    sender = new_sender()
    replies = assistant.say(sender, "someone in the warehouse said he's going to shoot up the place on friday")
    assert "Security" in replies[0]["text"], replies
    assert decision(assistant, sender)["evidence"]["crisis_kinds"] == ["threat"]


def test_a_request_for_a_named_team_goes_to_that_team(assistant: Assistant) -> None:
    """ "I want to talk to payroll" went to the People team."""
    sender = new_sender()
    reply = text_of(assistant.say(sender, "I want to talk to payroll"))
    assert "No one from Payroll is free" in reply and decision(assistant, sender)["reason"] == "explicit_request"


def test_a_request_for_a_person_inside_a_payslip_complaint(assistant: Assistant) -> None:
    """The NLU reads a payslip question; the words ask for a person from payroll, and that is what happens."""
    sender = new_sender()
    reply = text_of(assistant.say(sender, "i need to speak to someone in payroll about my payslip, it's wrong"))
    escalation = decision(assistant, sender)
    assert escalation["reason"] == "explicit_request" and escalation["evidence"]["intent"] == "payslip", escalation
    assert "Payroll" in reply and "request #" in reply


def test_a_calm_problem_report_is_answered_without_a_distress_offer(assistant: Assistant) -> None:
    """No "this has been hard" for a calm report; missing overtime is for Payroll to fix, so they're offered."""
    sender = new_sender()
    reply = text_of(assistant.say(sender, "hi, I've got a problem with my payslip, the overtime is missing"))
    assert "been hard" not in reply and "someone from Payroll can look into it" in reply, reply
    assert decision(assistant, sender)["reason"] == "complaint"


def test_crisis_gets_resources_immediately(assistant: Assistant) -> None:
    sender = new_sender()
    replies = assistant.say(sender, "honestly i can't go on anymore, i want to end my life")
    assert "988" in replies[0]["text"]  # the resources come first, before anything else
    assert "request #" in text_of(replies)
    escalation = decision(assistant, sender)
    assert escalation["reason"] == "crisis" and escalation["crisis"] is True


def test_wanting_it_all_to_end_gets_resources_after_a_routine_question(assistant: Assistant) -> None:
    """Found by an exploratory test: this wording got "Bye for now"."""
    sender = new_sender()
    assistant.say(sender, "how much leave do i have")
    replies = assistant.say(sender, "i just want it all to end")
    assert "988" in replies[0]["text"] and decision(assistant, sender)["reason"] == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "i'm gonna jump off the bridge",
        "i dont see a way out",
        "i wnat to kil myself",
        "je veux mourir",
        "I just want to disappear",
        # Found by the second QA round: "Happy to help", "Bye for now", "outside what I can help with"
        "I've been stockpiling my meds. Just wanted to say thanks for everything.",
        "i feel like i'm a burden to everyone. i've got a plan and tonight's the night",
        "Im so done with life lol",
    ],
)
def test_slang_typos_and_other_languages_still_get_resources(assistant: Assistant, text: str) -> None:
    """Found by an exploratory test: these got "Bye for now" or "outside what I can help with"."""
    sender = new_sender()
    replies = assistant.say(sender, text)
    assert "988" in replies[0]["text"] and decision(assistant, sender)["reason"] == "crisis"


def test_abuse_gets_the_domestic_violence_hotline_first(assistant: Assistant) -> None:
    sender = new_sender()
    replies = assistant.say(sender, "my husband has been hitting me and I'm scared to go home tonight")
    assert "1-800-799-7233" in replies[0]["text"] and "988" not in replies[0]["text"]
    escalation = decision(assistant, sender)
    assert escalation["reason"] == "crisis" and escalation["evidence"]["crisis_kinds"] == ["abuse"]


def test_an_injury_at_work_is_not_a_crisis(assistant: Assistant) -> None:
    sender = new_sender()
    replies = assistant.say(sender, "I hurt myself lifting boxes in the stockroom, how do I report it?")
    assert not any("988" in r.get("text", "") for r in replies)
    assert decision(assistant, sender)["crisis"] is False


def test_repeated_failure(assistant: Assistant) -> None:
    sender = new_sender()
    texts = ["blorf snee wap", "qwzx plimb tronk", "vrrp glax fnord"]
    replies = [text_of(assistant.say(sender, t)) for t in texts]
    assert "request #" not in replies[0] and "request #" in replies[-1]
    assert decision(assistant, sender)["reason"] == "repeated_failure"


def test_distress_building_up(assistant: Assistant) -> None:
    """Upset turn after turn: offered once, then escalated when the trend is high enough."""
    sender = new_sender()
    messages = [
        "this is so frustrating, my payslip is wrong again",
        "i'm really upset, nobody ever fixes anything here",
        "i'm so angry and stressed, this keeps happening and i can't pay my rent",
        "this is honestly making me miserable",
    ]
    reasons = []
    for text in messages:
        assistant.say(sender, text)
        reasons.append(decision(assistant, sender)["reason"])
        if decision(assistant, sender)["decision"] == "escalate":
            break
    assert reasons[-1] in {"building_distress", "acute_distress"}, reasons
    assert "routine" not in reasons[1:], reasons


@pytest.mark.parametrize("text", ["actually no I'm not fine 😭", "i just can't anymore, bye"])
def test_a_sad_no_or_bye_is_offered_a_person(assistant: Assistant, text: str) -> None:
    """Read as deny / goodbye, these got "Okay" and "Bye for now" and nothing else."""
    sender = new_sender()
    assistant.say(sender, "when is payday")
    reply = text_of(assistant.say(sender, text))
    assert decision(assistant, sender)["decision"] in ("offer", "escalate"), decision(assistant, sender)
    assert "bring in a person" in reply or "request #" in reply, reply


def test_distress_the_bot_cannot_place_gets_care_not_a_shrug(assistant: Assistant) -> None:
    """After a request was opened, "everything is just piling up and I can't cope" got "Sorry, I didn't quite
    get that"; "I can't do this anymore, I just want it all to stop" got "no time-off requests to cancel"."""
    sender = new_sender()
    assert "request #" in text_of(assistant.say(sender, "can i talk to a real person please"))
    reply = text_of(assistant.say(sender, "everything is just piling up and I can't cope"))
    assert "Employee Assistance Program" in reply and "didn't quite get that" not in reply, reply
    reply = text_of(assistant.say(new_sender(), "I can't do this anymore, I just want it all to stop"))
    assert "time-off" not in reply and "Employee Assistance Program" in reply, reply


def test_a_calm_question_about_bereavement_leave_is_answered_not_handed_over(assistant: Assistant) -> None:
    """ "what's the bereavement leave policy?" got "I'm so sorry for your loss" and a request for HR."""
    sender = new_sender()
    reply = text_of(assistant.say(sender, "what's the bereavement leave policy?"))
    assert "Up to 5 paid days" in reply and "sorry for your loss" not in reply and "request #" not in reply, reply
    assert decision(assistant, sender)["decision"] != "escalate"


def test_harassment_written_in_a_hurry_still_reaches_hr(assistant: Assistant) -> None:
    """Written with typos, this got "that's outside what I can help with" and an offer."""
    sender = new_sender()
    text = "im so stresed i cant evn think strait, my manger screamd at me in frnt of evryone"
    reply = text_of(assistant.say(sender, text))
    escalation = decision(assistant, sender)
    assert escalation["decision"] == "escalate" and "outside what I can help with" not in reply, (escalation, reply)


def test_offer_accepted(assistant: Assistant) -> None:
    sender = new_sender()
    replies = text_of(assistant.say(sender, "i'm worried and a bit stressed about my taxes this year"))
    if decision(assistant, sender)["decision"] != "offer":
        pytest.fail(f"expected an offer, got {decision(assistant, sender)}: {replies}")
    assert "Would you like me to bring in a person" in replies
    reply = text_of(assistant.say(sender, "yes please"))
    assert "request #" in reply and decision(assistant, sender)["reason"] == "accepted_offer"


def test_tone_is_scored_while_paused(assistant: Assistant) -> None:
    """With the conversation paused (an agent has it), every message is still scored and the bot is silent."""
    sender = new_sender()
    assistant.say(sender, "hi")
    response = requests.post(
        f"{assistant.url}/conversations/{sender}/tracker/events",
        params={"token": assistant.token},
        json={"event": "pause"},
        timeout=30,
    )
    response.raise_for_status()
    replies = assistant.say(sender, "ugh this is so frustrating, nothing works")
    slots = assistant.tracker(sender)["slots"]
    assert replies == []
    assert len(slots["tone_timeline"]) == 2 and slots["distress"] > 0.3


def test_acute_distress(assistant: Assistant) -> None:
    sender = new_sender()
    reply = text_of(assistant.say(sender, "I AM FURIOUS. THIS IS THE FOURTH TIME MY PAY IS WRONG AND NOBODY CARES!!!"))
    escalation = decision(assistant, sender)
    assert escalation["reason"] == "acute_distress", escalation
    assert escalation["evidence"]["tone"] in {"angry", "sad", "anxious"} and escalation["evidence"]["cues"]
    assert "request #" in reply


def test_distress_about_a_sensitive_topic_interrupts_a_form(assistant: Assistant) -> None:
    """Asked for a leave date, the employee says their manager keeps shouting at them: a person, not the form."""
    sender = new_sender()
    assistant.say(sender, "I want to book time off", employee="E1002")
    replies = text_of(
        assistant.say(
            sender,
            "I'm so stressed, my manager keeps shouting at me and I can't cope. I need to talk to a person",
            employee="E1002",
        )
    )
    assert "couldn't read a date" not in replies and "request #" in replies
    tracker = assistant.tracker(sender)
    assert tracker["slots"]["escalation"]["decision"] == "escalate"
    assert not (tracker.get("active_loop") or {}).get("name"), "the leave form is no longer running"
