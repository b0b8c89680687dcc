"""Canned responses agents can insert and edit before sending."""

from __future__ import annotations

CANNED_RESPONSES = [
    {
        "id": "greeting",
        "title": "Greeting",
        "text": "Hi, I'm here now and I've read your conversation with the assistant. Thanks for waiting.",
    },
    {"id": "listening", "title": "I'm listening", "text": "That sounds really hard. Take your time; I'm listening."},
    {"id": "checking", "title": "Checking", "text": "Let me check that for you; it will take a minute or two."},
    {
        "id": "confidential",
        "title": "Confidential",
        "text": "What you tell me here stays confidential within the People team.",
    },
    {
        "id": "eap",
        "title": "Support line",
        "text": "Our Employee Assistance Programme is free, confidential and open 24/7 on 0800 123 4567.",
    },
    {
        "id": "followup",
        "title": "Follow-up",
        "text": "I'll follow up by email within one working day with what we agreed.",
    },
    {
        "id": "handback",
        "title": "Back to the assistant",
        "text": "I'll hand you back to the assistant now; ask for a person again any time.",
    },
]
