"""Surface cues of distress, found with spaCy, each with a short explanation an agent can read.

The pipeline is spaCy's rule-based English tokenizer with ``Matcher``/``PhraseMatcher`` patterns
(no statistical model is needed, so nothing is downloaded). The cues are:
negated positive words ("not happy"), intensifiers ("so", "extremely"), shouting (ALL CAPS),
exclamation and question runs, stretched words ("sooo"), repeated words, and the curated crisis
lexicon of ``bot.tone.crisis`` (self-harm, abuse, sexual assault, violence, threats) that always
counts as acute. VADER's lexicon scores the sentence polarity, taking negation and intensifiers
into account, without the words that in a support chat name the request rather than a mood
(``SUPPORT_CHAT_WORDS``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from bot.tone.crisis import Crisis, CrisisFinder

# Words VADER rates that, in a chat with a support desk, name the request or its topic rather than
# the writer's mood: "I need help", "please", "yes", "no", "I have a problem with the VPN". Left in,
# "help" (+1.7) pulled "I need help now" towards calm and a bare "no" (-1.2) read as upset. The
# same finding made sentiment lexicons for software-engineering text drop "problem", "error",
# "support" and the like (SentiStrength-SE). Words of feeling stay, even when they name a topic
# too ("sick", "died", "hurt", "harassment").
SUPPORT_CHAT_WORDS = frozenset(
    {
        *("help", "helps", "helping", "support", "supports", "supporting", "supported", "please"),
        *("yes", "no", "ok", "okay", "sure"),
        *("problem", "problems", "error", "errors", "crash", "blocked", "missing", "cancel", "cancelled"),
        # Fillers and emphasis, not moods: "honestly I'm at breaking point" (+2.0), "I feel like I'm
        # drowning" (+1.5), "truly awful" (+1.9 cancelled the "awful").
        *("honestly", "truly", "like"),
    }
)

# "sick" is a feeling in "sick of this" but a kind of leave in "sick day": VADER reads it as -2.3 either way.
_HR_COMPOUNDS = re.compile(r"\bsick(?= (?:leave|days?|notes?|pay|time|policy|allowance)\b)", re.IGNORECASE)

# Markers that turn praise into its opposite: "thanks so much for the amazing help 🙄" praises in
# words only. Eye-rolling, unamused and upside-down faces, "/s", "yeah right". Only praise flips:
# "people who never rerack their weights 🙄" is negative already.
IRONY_MARKERS = re.compile(r"\U0001F644|\U0001F612|\U0001F643|\U0001F611|(?:^|\s)/s\b|\byeah,? right\b|\bnot!", re.I)
IRONIC_PRAISE = 0.3  # VADER compound from which marked praise reads as sarcasm
# Praise that opens a message about something broken is sarcasm too: "Great, the VPN is down AGAIN.
# Fantastic." ("Great, it works again!" has no fault in it).
PRAISE_OPENER = re.compile(
    r"^\W*(?:oh,?\s+|wow,?\s+)?(?:great|fantastic|wonderful|perfect|brilliant|awesome|lovely|super|just great|"
    r"love (?:that|this|it)|thanks a lot|nice one)\b\s*[,.!]",
    re.I,
)
FAULT = re.compile(
    r"\b(?:down|broken|broke|crash\w*|not working|isn'?t working|doesn'?t work|won'?t work|failed|stuck|jammed|"
    r"wrong|lost|logged me out|died|dead|late again|out again)\b",
    re.I,
)

POSITIVE_WORDS = [
    "happy",
    "good",
    "great",
    "fine",
    "helpful",
    "ok",
    "okay",
    "satisfied",
    "working",
    "fair",
    "easy",
    "clear",
    "right",
    "sure",
    "pleased",
    "impressed",
    "useful",
    "fun",
    "nice",
    "glad",
]
NEGATIONS = ["not", "n't", "never", "no", "hardly", "barely", "nothing", "nobody", "nowhere", "neither"]
FILLERS = ["at", "all", "that", "even", "been", "be", "being", "feeling", "feel"]  # "not at all happy"
INTENSIFIERS = [
    "so",
    "very",
    "really",
    "extremely",
    "totally",
    "completely",
    "absolutely",
    "utterly",
    "super",
    "incredibly",
    "seriously",
    "literally",
    "fucking",
    "bloody",
    "damn",
    "way",
    "too",
]
CUE_NAMES = [
    "negated_positive",
    "intensifiers",
    "caps_words",
    "exclamations",
    "questions",
    "stretched_words",
    "repeated_words",
    "crisis",
    "vader_neg",
    "vader_pos",
    "vader_compound",
    "ironic_praise",
]


@dataclass(frozen=True)
class Cues:
    """What the text shows on its surface; ``evidence`` explains each non-zero cue in words."""

    values: dict[str, float]
    evidence: tuple[str, ...] = field(default_factory=tuple)
    crisis_kinds: tuple[str, ...] = ()  # from ``bot.tone.crisis.KINDS``: which support resources fit

    @property
    def crisis(self) -> bool:
        return self.values.get("crisis", 0.0) > 0

    @property
    def ironic(self) -> bool:
        """Praise marked as sarcasm ("amazing help 🙄"): a complaint the encoder reads as praise."""
        return self.values.get("ironic_praise", 0.0) > 0

    @property
    def intensity(self) -> float:
        """How strong the wording is, 0..1: the lexicon's negativity plus a quarter for each of
        intensifiers, shouting and "!!". A model can be sure someone is upset ("a bit stressed") without
        the message being strong; the escalation policy needs both for *acute* distress."""
        v = self.values
        strength = max(-v.get("vader_compound", 0.0), 0.0)
        strength += 0.25 * (v.get("intensifiers", 0.0) > 0) + 0.25 * (v.get("caps_words", 0.0) > 0)
        strength += 0.25 * (v.get("exclamations", 0.0) >= 2)
        return round(min(strength, 1.0), 4)

    def vector(self) -> np.ndarray:
        return np.array([self.values.get(name, 0.0) for name in CUE_NAMES], dtype=np.float32)


def normalise(text: str) -> str:
    """Plain apostrophes and quotes, and single spaces: "can’t go on", and "can't go on" broken over
    two lines, match "can't go on" (spaCy keeps line breaks and double spaces as tokens)."""
    plain = text.translate(str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'}))
    return " ".join(plain.split())


class CueExtractor:
    """Builds the spaCy matchers once; ``extract`` is then pure and fast (~0.1 ms)."""

    def __init__(self) -> None:
        import spacy
        from spacy.matcher import Matcher
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self._nlp = spacy.blank("en")
        self._negated = Matcher(self._nlp.vocab)
        self._negated.add(
            "NEGATED_POSITIVE",
            [
                [
                    {"LOWER": {"IN": NEGATIONS}},
                    {
                        "LOWER": {"IN": [*INTENSIFIERS, *FILLERS]},
                        "OP": "*",
                    },
                    {"LOWER": {"IN": POSITIVE_WORDS}},
                ]
            ],
        )
        self._crisis = CrisisFinder(self._nlp)
        self._vader = SentimentIntensityAnalyzer()
        for word in SUPPORT_CHAT_WORDS:
            self._vader.lexicon.pop(word, None)

    def crisis(self, text: str) -> Crisis:
        """Only the crisis lexicon: cheap enough to run even when full scoring failed or was too slow."""
        return self._crisis.find(self._nlp.make_doc(normalise(text[:2000])))

    def extract(self, text: str) -> Cues:
        text = normalise(text[:2000])
        doc = self._nlp(text)
        evidence: list[str] = []
        negated = [doc[s:e].text for _, s, e in self._negated(doc)]
        crisis = self._crisis.find(doc)
        words = [t for t in doc if t.is_alpha]
        caps = [t.text for t in words if t.is_upper and len(t.text) >= 3 and t.text not in {"VPN", "PTO", "HR", "IT"}]
        intensifiers = [t.text for t in words if t.lower_ in INTENSIFIERS]
        stretched = [t.text for t in words if re.search(r"(\w)\1\1", t.lower_)]
        lowered = [t.lower_ for t in words if len(t.text) > 2]
        repeated = sorted({w for w in lowered if lowered.count(w) >= 3})
        exclamations = max((len(m) for m in re.findall(r"!+", text)), default=0)
        questions = max((len(m) for m in re.findall(r"\?+", text)), default=0)
        polarity = self._vader.polarity_scores(_HR_COMPOUNDS.sub("medical", text))
        marker = IRONY_MARKERS.search(text)
        ironic = marker is not None and polarity["compound"] >= IRONIC_PRAISE
        opener = PRAISE_OPENER.search(text)
        if not ironic and opener is not None and FAULT.search(text):
            marker, ironic = opener, True
        if ironic:  # the praise means its opposite: the lexicon reads it as the complaint it is
            flipped = -abs(polarity["compound"])  # "Great, ... down" may already read negative: never less so
            polarity = {**polarity, "neg": max(polarity["pos"], polarity["neg"]), "compound": flipped}
        if negated:
            evidence.append(f"negated positive: {', '.join(negated)}")
        if intensifiers:
            evidence.append(f"intensifiers: {', '.join(intensifiers[:4])}")
        if caps:
            evidence.append(f"shouting: {', '.join(caps[:4])}")
        if exclamations >= 2:
            evidence.append(f"{exclamations} exclamation marks in a row")
        if questions >= 2:
            evidence.append(f"{questions} question marks in a row")
        if stretched:
            evidence.append(f"stretched words: {', '.join(stretched[:3])}")
        if repeated:
            evidence.append(f"repeated words: {', '.join(repeated[:3])}")
        if crisis.terms:
            evidence.append(f"crisis language: {', '.join(crisis.terms)}")
        if ironic and marker is not None:
            evidence.append(f"sarcasm: praise with {marker.group(0).strip(' ,.!')}")
        elif polarity["compound"] <= -0.5:
            evidence.append(f"strongly negative wording (lexicon {polarity['compound']:+.2f})")
        values = {
            "negated_positive": float(len(negated)),
            "intensifiers": float(min(len(intensifiers), 4)),
            "caps_words": float(min(len(caps), 4)),
            "exclamations": float(min(exclamations, 5)),
            "questions": float(min(questions, 5)),
            "stretched_words": float(min(len(stretched), 3)),
            "repeated_words": float(min(len(repeated), 3)),
            "crisis": float(len(crisis.terms)),
            "vader_neg": polarity["neg"],
            "vader_pos": polarity["pos"],
            "vader_compound": polarity["compound"],
            "ironic_praise": float(ironic),
        }
        return Cues(values, tuple(evidence), crisis.kinds)
