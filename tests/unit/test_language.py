"""Telling English from other languages without a model: other scripts, and function words counted once."""

from __future__ import annotations

import pytest

from bot.nlu.language import foreign_language


@pytest.mark.parametrize(
    "text",
    [
        "¿Cuándo me pagan este mes?",
        "necesito ayuda con mi contraseña",
        "je voudrais parler à quelqu'un des ressources humaines",
        "Wie viele Urlaubstage habe ich noch?",
        "preciso de ajuda com o meu salário",
        "quando arriva lo stipendio?",
        "Ik wil graag vrij nemen volgende week",
        "Мне нужна помощь с отпуском",
        "休暇の残りは何日ですか",
        "أحتاج مساعدة",
    ],
)
def test_other_languages_are_foreign(text: str) -> None:
    assert foreign_language(text)


@pytest.mark.parametrize(
    "text",
    [
        "when is payday",
        "gracias, when is payday?",
        "merci! how many days do I have left",
        "I want to book leave with Jose de la Cruz",
        "my manager Sven van der Berg won't approve it",
        "Müller is my manager, how do I book leave",
        "la la la",
        "hola",
        "ok",
        "👍",
        "",
        "¿?",
        "asdf",
        "what about personal days?",
    ],
)
def test_english_with_foreign_names_or_greetings_is_english(text: str) -> None:
    assert not foreign_language(text)
