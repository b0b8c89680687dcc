"""The crisis lexicon: self-harm, suicidal thoughts, abuse, assault and threats, always acute.

Reviewed by people, not learned: a missed crisis is the worst mistake the assistant can make, so the
phrases lean towards catching too much. A few readings that employees of an HR/IT assistant write
every day are excluded by narrow rules ("can't go on parental leave until May", "I hurt myself
lifting a box, how do I report the injury?", "she hits me up on Slack", "he beat me to it"). The
rules look only at the few words right after the phrase, and the ones about despair or self-harm
give way when the message says more ("anymore", "like this", "again", "on purpose"); the tests put
a crisis sentence next to every rule. Each phrase has a kind, so the support offered fits: a
domestic violence line for a partner's violence, not only a suicide line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token

SELF_HARM = [
    # suicide and self-harm, including passive wishes to be dead
    *("kill myself", "killing myself", "end my life", "ending my life", "take my own life", "take my life"),
    *("suicide", "suicidal", "want to die", "wanna die", "better off dead", "no reason to live"),
    *("wish i was dead", "wish i were dead", "wish i wasn't alive", "wish i was never born"),
    *("wish i didn't exist", "wish i didnt exist", "hope i don't wake up", "hope i dont wake up"),
    *("wish i wasn't here", "wish i wasnt here", "wish i weren't here"),
    *("don't want to be alive", "dont want to be alive", "don't want to wake up", "dont want to wake up"),
    *("don't want to be here anymore", "dont want to be here anymore", "do not want to be here anymore"),
    *("end it all", "ending it all", "not worth living", "no point in living", "no point living"),
    *("better off without me", "unalive myself", "hang myself", "jump off the roof", "jump off a bridge"),
    *("self harm", "self-harm", "self harming", "self-harming", "harm myself", "harming myself"),
    *("nothing to live for", "no will to live", "isn't worth living", "isnt worth living"),
    *("want it all to end", "wanted it all to end", "thinking about ending it", "thought about ending it"),
    *("thoughts of ending it", "thinking of ending it", "of ending my life"),
    *("overdose", "take all my pills", "taking all my pills", "whole bottle of pills"),
    *("no reason for me to live", "no reason to keep living", "no reason to be alive", "no reason to go on"),
    *("nothing left to live for", "no reason left to live", "reason for me to be alive"),
    *("there's no way out for me", "no way out for me"),
    *("just want to disappear", "wish i could disappear", "want to disappear forever", "wish i could just disappear"),
    *("pills saved up", "saving up my pills", "saving up pills", "stockpiling pills", "stockpiling my pills"),
    *("don't see the point in anything", "dont see the point in anything", "no point in anything anymore"),
    *("can't see the point in anything", "cant see the point in anything"),
    *("tired of living", "tired of being alive", "want to sleep forever", "never wake up again"),
    *("go to sleep and never wake up", "fall asleep and never wake up"),
    *("goodbye letters", "goodbye letter to", "written goodbye", "suicide note", "rather be dead than"),
    *("notice if i was gone", "notice if i were gone", "notice if i disappeared", "no one would miss me"),
    *("nobody would miss me", "nobody would care if i died", "no one would care if i died"),
    *("see the point of anything", "point of anything anymore"),  # not "want it all to stop": notifications
    *("been cutting again", "started cutting again", "i'm cutting again"),
    *("im cutting again",),
    *("stockpiling my meds", "stockpiling meds", "saving up my meds", "hoarding my pills", "hoarding pills"),
    *("done with life", "done with living", "done with being alive", "tired of life"),
    *("a burden to everyone", "a burden on everyone", "a burden to everybody", "a burden to my family"),
    *("i'm a burden", "im a burden", "i am a burden", "everyone would be better off without"),
]
# "taking all my sleeping pills tonight", "took a bunch of pills": an overdose; not "take my pills".
OVERDOSE_VERBS = ["take", "taking", "took", "swallow", "swallowed", "swallowing", "down", "downed"]
OVERDOSE_AMOUNTS = [["all"], ["too", "many"], ["a", "bunch", "of"], ["a", "handful", "of"], ["a", "lot", "of"]]
OVERDOSE_AMOUNTS += [["the", "whole", "bottle", "of"], ["a", "whole", "bottle", "of"], ["every", "one", "of"]]
OVERDOSE_AMOUNTS += [["every"], ["every", "last"], ["every", "single"]]  # "take every pill in the cabinet"
PILLS = ["pills", "tablets", "painkillers", "meds", "medication", "medications", "sleeping", "antidepressants"]
PILLS += ["pill", "tablet"]
COURSE_QUESTIONS = ("do i have to", "do i need to", "should i", "am i supposed to", "do you have to", "must i")
CLAUSE_LINKS = {"and", "or", "if", "again", "now", "today", "tonight", "tomorrow", "so", "because", "when", "too"}
# "I'm going to kill my manager", "gonna hurt someone in this office": a threat to people, not "kill the ticket".
THREAT_INTENT = ["going", "gonna", "will", "'ll", "wanna", "want", "about"]
THREAT_VERBS = ["kill", "hurt", "shoot", "stab", "strangle", "murder", "attack", "punch"]
THREAT_OWNERS = ["my", "the", "that", "this", "our", "his", "her", "their", "every", "a"]
THREAT_PEOPLE = [
    *("him", "her", "them", "someone", "somebody", "everyone", "everybody", "people", "you", "anyone"),
    *("manager", "boss", "supervisor", "coworker", "colleague", "colleagues", "coworkers", "team", "client"),
    *("customer", "husband", "wife", "partner", "boyfriend", "girlfriend", "neighbour", "neighbor", "ex"),
]
# "I won't be around much longer": a warning sign, unless the message is about leaving the job
# (``_leaving_work_nearby``: "... I'm leaving the company in May").
NOT_AROUND = [
    *("won't be around much longer", "wont be around much longer", "won't be around for much longer"),
    *("wont be around for much longer", "not going to be around much longer", "won't be here much longer"),
    *("wont be here much longer", "won't be a burden much longer", "wont be a burden much longer"),
    *("won't be a burden for much longer", "won't be a problem for anyone much longer"),
]
LEAVING_WORK = {  # words of leaving, not of work: "... I can't handle this job" still counts
    *("leaving", "resign", "resigning", "resigned", "retire", "retiring", "retirement", "notice", "contract"),
    *("moving", "relocating", "transfer", "transferring", "quit", "quitting", "handover", "internship"),
    *("placement", "temp", "redundant", "laid", "layoffs", "maternity", "parental", "sabbatical", "ends"),
}
WAY_OUT = [  # "... of this contract" is a way out of an agreement (``_work_after_way_out``)
    *("don't see a way out", "dont see a way out", "can't see a way out", "cant see a way out"),
    *("do not see a way out", "cannot see a way out", "see no way out"),
]
WAY_OUT_OF_WORK = {
    *("contract", "lease", "agreement", "loop", "meeting", "meetings", "building", "car", "park", "parking"),
    *("menu", "app", "probation", "notice", "subscription", "plan", "pension", "call", "rota", "deal"),
    *("clause", "commitment", "project", "mode", "screen", "settings", "page", "form", "system", "office"),
}
# Crisis words in the languages employees most often fall back to when they are at their worst: an
# English-only assistant must still not miss "je veux mourir" (reviewed phrases, not a translation).
SELF_HARM_ELSEWHERE = [
    *("quiero morir", "quiero morirme", "me quiero morir", "me quiero matar", "quiero matarme"),
    *("me quiero suicidar", "quiero suicidarme", "suicidarme", "suicidio", "no quiero vivir"),
    *("je veux mourir", "je vais me tuer", "je veux me tuer", "me suicider", "envie de mourir"),
    *("je ne veux plus vivre", "ich will sterben", "ich will nicht mehr leben", "mich umbringen"),
    *("selbstmord", "suizid", "voglio morire", "mi voglio uccidere", "suicidarmi", "non voglio vivere"),
    *("quero morrer", "vou me matar", "quero me matar", "suicídio", "me suicidar", "não quero viver"),
    *("ik wil dood", "zelfmoord", "ik wil niet meer leven", "chcę umrzeć", "samobójstwo"),
]
# "gonna jump off the bridge", "jumping off a roof": a way to die, not a meeting to leave.
JUMP_VERBS = ["jump", "jumping", "jumped", "throw", "throwing"]
JUMP_PLACES = ["bridge", "roof", "building", "cliff", "balcony", "ledge", "tower", "rooftop", "overpass"]
# "step in front of a train"; not "I was in front of a train station".
IN_FRONT_VERBS = ["jump", "jumping", "step", "stepping", "walk", "walking", "lie", "lying", "myself", "throw"]
VEHICLES = ["train", "bus", "car", "truck", "lorry", "tram", "subway"]
# "kms" (kill myself) after a word that makes it a verb: "i want to kms", "gonna kms"; "5 kms away" is distance.
KMS_BEFORE = ["to", "wanna", "gonna", "'ll", "ll", "will", "should", "might", "could", "just", "literally", "i", "well"]
THREATS = [
    *("going to hurt him", "going to hurt her", "going to hurt them", "going to kill him"),
    *("going to kill her", "going to kill them", "bring a gun", "shoot everyone"),
    *("bring a knife", "bringing a knife", "bring a weapon", "bringing a weapon", "bringing a gun"),
    *("bring my gun", "bring my knife", "bring in a gun", "bring in a knife"),
]
# "going to shoot up the place on friday": a place of people, not "shoot up the rankings".
SHOOT_UP = ["shoot", "shooting", "shoots"]
PLACES = [
    *("place", "office", "building", "warehouse", "school", "store", "shop", "site", "plant", "factory"),
    *("floor", "canteen", "meeting", "party", "depot", "branch", "workplace", "lobby", "cafeteria"),
]
# "bring a knife and fork to the potluck": cutlery, not a weapon.
FOOD = {
    *("fork", "forks", "spoon", "spoons", "cake", "potluck", "lunch", "bread", "cheese", "kitchen", "cutting"),
    *("board", "picnic", "bbq", "barbecue", "cook", "cooking", "chop", "slice", "pizza", "steak", "butter"),
}
# "my husband won't let me have money, I'm scared of him": coercive control and fear at home.
FEARED = [
    *("him", "her", "husband", "wife", "partner", "boyfriend", "girlfriend", "bf", "gf", "ex", "dad"),
    *("father", "stepdad", "stepfather", "mom", "mum", "mother", "spouse", "fiance", "fiancé"),
]
ABUSE = [  # at home; who hits whom is also matched by the pattern below
    *("abusing me", "abuses me", "abused me", "being abused", "threatened to kill", "threatens to kill"),
    *("threatening to kill", "said he would kill me", "said she would kill me", "said he'd kill me"),
    *("said she'd kill me", "not safe at home", "im not safe at home", "don't feel safe at home"),
    *("dont feel safe at home", "afraid to go home", "scared to go home", "beaten by my"),
    *("won't let me have money", "wont let me have money", "won't let me have any money"),
    *("wont let me have any money", "controls all my money", "takes all my money"),
    *("won't let me leave the house", "wont let me leave the house", "won't let me see my friends"),
    *("wont let me see my friends",),
]
SEXUAL_ASSAULT = ["sexually assaulted", "raped", "groped me", "was groped", "been groped"]
VIOLENCE = ["assaulted me", "was assaulted", "been assaulted", "attacked me", "was attacked", "was beaten"]
GO_ON = ["can't go on", "cannot go on", "cant go on", "can not go on"]
WANT_TO_LIVE = [  # "... in Leeds" is where to live, not whether (``_where_to_live``)
    *("don't want to live", "dont want to live", "do not want to live"),
    *("point of living", "point in living", "point to living"),
]
SELF_INJURY = ["hurt myself", "hurting myself", "cut myself", "cutting myself"]

HOUSEHOLD = [  # their violence is domestic abuse; "he", "she", "they" too, the likeliest reading
    *("he", "she", "they", "husband", "wife", "spouse", "partner", "boyfriend", "girlfriend", "bf", "gf"),
    *("fiance", "fiancé", "fiancee", "ex", "dad", "father", "mom", "mum", "mother", "stepdad", "stepfather"),
    *("stepmom", "stepmother", "brother", "sister", "son", "daughter", "uncle", "aunt", "roommate"),
    *("flatmate", "parents", "law", "family"),  # "mother-in-law" is tokenised mother - in - law
]
OTHERS = [  # their violence is an assault at work or nearby: 911, HR and Security, not a domestic line
    *("landlord", "neighbour", "neighbor", "manager", "boss", "supervisor", "coworker", "colleague"),
    *("worker", "customer", "client", "patient", "stranger", "someone", "somebody"),  # co - worker
]
ABUSE_VERBS = [
    *("hit", "hits", "hitting", "beat", "beats", "beating", "hurt", "hurts", "hurting", "kick", "kicks"),
    *("kicked", "kicking", "slap", "slaps", "slapped", "slapping", "punch", "punches", "punched"),
    *("punching", "choke", "chokes", "choked", "choking", "strangled", "strangles", "shoved"),
]
# Between who and the verb: "he's been hitting me", "he'll hit me", "she used to hit me".
BETWEEN = [
    *("always", "keeps", "kept", "still", "sometimes", "often", "has", "had", "have", "just", "then"),
    *("again", "'s", "'ll", "'d", "will", "would", "is", "was", "been", "used", "to", "also", "even"),
    *("tried", "tries", "going", "might", "constantly", "repeatedly", "physically", "really", "once"),
]
# Idioms after "<who> <verb> me": "hits me up", "hit me back", "kicked me off the call".
IDIOM_NEXT = {"hit": {"up", "back"}, "kick": {"off", "out"}, "beat": set(), "punch": set()}
# "hit me with" a workload, not an object: "my boss hit me with another deadline" (the work word
# right after "with" and at most one determiner, so "hit me with a bottle last night" still counts).
WORKLOAD = {
    *("deadline", "deadlines", "task", "tasks", "ticket", "tickets", "request", "requests", "question"),
    *("questions", "email", "emails", "meeting", "meetings", "shift", "shifts", "project", "projects"),
    *("news", "review", "feedback", "bill", "fee", "invoice", "surprise", "overtime", "paperwork"),
}
DETERMINERS = {"a", "an", "the", "another", "more", "some", "two", "three", "extra", "new", "last", "minute", "urgent"}
# "beat me at chess", "beats me in sales every quarter": a contest, not violence.
CONTEST = {
    *("chess", "cards", "pool", "game", "games", "race", "contest", "sales", "quiz", "tennis", "golf"),
    *("poker", "darts", "squash", "badminton", "trivia", "match", "leaderboard", "ping", "table", "fifa"),
}

# "can't go on" + up to three qualifiers + leave, travel, a system or a day, at the end of a clause
# or followed by a word like "until": "can't go on parental leave until May".
GO_ON_QUALIFIERS = {
    *("the", "a", "an", "my", "our", "this", "that", "any", "paid", "unpaid", "annual", "sick", "business"),
    *("parental", "maternity", "paternity", "mat", "company", "team", "work", "school", "planned", "ski"),
    *("booked", "next", "night", "early", "late"),
}
GO_ON_WORK = {
    *("leave", "vacation", "holiday", "holidays", "trip", "break", "pto", "sabbatical", "furlough", "training"),
    *("course", "site", "website", "portal", "intranet", "vpn", "teams", "slack", "wifi", "network", "shift"),
    *("shifts", "nights", "call", "tour", "offsite", "retreat", "conference", "rota", "rotation", "payroll"),
    *("secondment", "zoom", "jira", "outlook", "laptop", "computer", "monday", "tuesday", "wednesday"),
    *("thursday", "friday", "saturday", "sunday", "weekend", "weekends"),
}
CLAUSE_GOES_ON = {
    *("until", "till", "because", "cause", "since", "as", "due", "next", "tomorrow", "today", "tonight"),
    *("this", "in", "on", "at", "for", "from", "and", "but", "so", "if", "when", "yet"),
}
CLAUSE_ENDS = {".", ",", "!", "?", ";", ":", "-", "(", ")"}
# Where to live, not whether: "don't want to live in Leeds / near the new office / there".
WHERE = {"in", "near", "there", "here", "abroad", "close", "far", "downtown", "outside"}
STILL_DESPAIR = {"anymore", "any", "longer", "world", "earth", "pain", "like", "myself", "life"}
# An accident at work: "I accidentally cut myself", "hurt myself lifting boxes", "file an injury report".
MECHANISMS = {"lifting", "carrying", "moving", "tripping", "slipping", "falling", "sprained", "twisted"}
REPORTING = {"report", "reporting", "file", "filing", "claim", "form", "log", "record"}
INJURY = {"injury", "injuries", "accident", "incident", "injured"}
NOT_AN_ACCIDENT = {"again", "keep", "keeps", "still", "been", "purpose", "deliberately", "intentionally"}
NEGATIONS = {"not", "n't", "no", "never", "nt"}


KINDS = ("self_harm", "abuse", "sexual_assault", "violence", "threat")  # the order resources are given in
KIND_OF_LABEL = {
    "THREAT": "threat",
    "ABUSE": "abuse",
    "HOUSEHOLD": "abuse",
    "SEXUAL_ASSAULT": "sexual_assault",
    "VIOLENCE": "violence",
    "OTHERS": "violence",
}  # the rest: self_harm; THREATENED: abuse or violence, by who else the message names


@dataclass(frozen=True)
class Crisis:
    """What the lexicon found: the phrases (lower-cased) and their kinds, in the order of ``KINDS``."""

    terms: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()


class CrisisFinder:
    """Finds crisis terms in a tokenised text; build once per spaCy pipeline, then pure and fast."""

    def __init__(self, nlp: Language) -> None:
        from spacy.matcher import Matcher, PhraseMatcher

        self._strings = nlp.vocab.strings
        self._phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        for label, phrases in (
            ("SELF_HARM", SELF_HARM),
            ("SELF_HARM", SELF_HARM_ELSEWHERE),
            ("THREAT", THREATS),
            ("ABUSE", ABUSE),
            ("SEXUAL_ASSAULT", SEXUAL_ASSAULT),
            ("VIOLENCE", VIOLENCE),
            ("GO_ON", GO_ON),
            ("LIVE", WANT_TO_LIVE),
            ("SELF_INJURY", SELF_INJURY),
            ("WAY_OUT", WAY_OUT),
            ("NOT_AROUND", NOT_AROUND),
        ):
            self._phrases.add(label, [nlp.make_doc(p) for p in phrases])
        self._violence = Matcher(nlp.vocab)
        between, verb, me = {"LOWER": {"IN": BETWEEN}, "OP": "*"}, {"LOWER": {"IN": ABUSE_VERBS}}, {"LOWER": "me"}
        for label, people in (("HOUSEHOLD", HOUSEHOLD), ("OTHERS", OTHERS)):
            self._violence.add(label, [[{"LOWER": {"IN": people}}, between, verb, me]])
        self._violence.add("SELF_HARM", [[{"LOWER": {"IN": KMS_BEFORE}}, {"LOWER": "kms"}]])
        off_a = [{"LOWER": {"IN": JUMP_VERBS}}, {"LOWER": {"IN": ["myself", "off", "from"]}, "OP": "+"}]
        place = [
            {"LOWER": {"IN": ["the", "a", "that", "this", "my", "our", "an"]}, "OP": "?"},
            {"LOWER": {"IN": JUMP_PLACES}},
        ]
        self._violence.add("SELF_HARM", [[*off_a, *place]])
        in_front = [{"LOWER": w} for w in ("in", "front", "of")]
        vehicle = [{"LOWER": {"IN": ["a", "the", "an"]}, "OP": "?"}, {"LOWER": {"IN": VEHICLES}}]
        self._violence.add("SELF_HARM", [[{"LOWER": {"IN": IN_FRONT_VERBS}}, *in_front, *vehicle]])
        mine = {"LOWER": {"IN": ["my", "the", "those", "these", "her", "his"]}, "OP": "?"}
        pills = [{"LOWER": {"IN": ["sleeping", "prescription"]}, "OP": "?"}, {"LOWER": {"IN": PILLS}}]
        for amount in OVERDOSE_AMOUNTS:
            words = [{"LOWER": w} for w in amount]
            self._violence.add("SELF_HARM", [[{"LOWER": {"IN": OVERDOSE_VERBS}}, *words, mine, *pills]])
        self._violence.add(
            "SELF_HARM", [[{"LOWER": {"IN": ["stockpiling", "stockpiled", "hoarding", "hoarded"]}}, mine, *pills]]
        )
        owner = {"LOWER": {"IN": THREAT_OWNERS}, "OP": "?"}
        self._violence.add("THREAT", [[{"LOWER": {"IN": SHOOT_UP}}, {"LOWER": "up"}, owner, {"LOWER": {"IN": PLACES}}]])
        self._violence.add("THREAT", [[{"LOWER": {"IN": SHOOT_UP}}, owner, {"LOWER": {"IN": PLACES}}, {"LOWER": "up"}]])
        # "my manager grabbed my arm and threatened to hit me": violence, or abuse when it is someone at home.
        threatened = [{"LOWER": {"IN": ["threatened", "threatens", "threatening"]}}, {"LOWER": "to"}]
        self._violence.add("THREATENED", [[*threatened, {"LOWER": {"IN": [*ABUSE_VERBS, *THREAT_VERBS]}}, me]])
        fear = [{"LOWER": {"IN": ["scared", "afraid", "terrified", "frightened"]}}, {"LOWER": "of"}]
        self._violence.add("ABUSE", [[*fear, {"LOWER": "my", "OP": "?"}, {"LOWER": {"IN": FEARED}}]])
        self._violence.add(
            "THREAT",
            [
                [
                    {"LOWER": {"IN": THREAT_INTENT}},
                    {"LOWER": "to", "OP": "?"},
                    {"LOWER": {"IN": THREAT_VERBS}},
                    {"LOWER": {"IN": THREAT_OWNERS}, "OP": "?"},
                    {"LOWER": {"IN": THREAT_PEOPLE}},
                ]
            ],
        )

    def find(self, doc: Doc) -> Crisis:
        """The crisis phrases in ``doc`` and their kinds, without the work readings described above."""
        found: dict[str, str] = {}
        for match_id, start, end in self._phrases(doc):
            label = self._strings[match_id]
            if label == "GO_ON" and _work_after_go_on(doc, end):
                continue
            if label == "LIVE" and _where_to_live(doc, end):
                continue
            if label == "SELF_INJURY" and _an_accident_at_work(doc, start, end):
                continue
            if label == "THREAT" and (_her_something(doc, end) or _cutlery(doc, end)):
                continue
            if label == "WAY_OUT" and _work_after_way_out(doc, end):
                continue
            if label == "NOT_AROUND" and _leaving_work_nearby(doc):
                continue
            found[doc[start:end].text.lower()] = KIND_OF_LABEL.get(label, "self_harm")
        for match_id, start, end in self._violence(doc):
            label = self._strings[match_id]
            if label == "THREAT" and _her_something(doc, end):
                continue
            if label == "ABUSE" and _her_something(doc, end):  # "scared of her reaction"
                continue
            if label == "SELF_HARM" and _asks_about_a_course(doc, start):
                continue
            if label == "THREATENED":
                found[doc[start:end].text.lower()] = "abuse" if _someone_at_home(doc) else "violence"
            elif label in ("SELF_HARM", "THREAT", "ABUSE"):
                found[doc[start:end].text.lower()] = KIND_OF_LABEL.get(label, "self_harm")
            elif not _idiom_after(doc, doc[end - 2], end):
                found[f"{doc[start].lower_} {doc[end - 2].lower_} me"] = KIND_OF_LABEL[label]
        for term in _misspelt(doc):
            if not any(term in phrase for phrase in found):  # "me quiero suicidar" is no typo of "suicidal"
                found[term] = "self_harm"
        return Crisis(tuple(sorted(found)), tuple(k for k in KINDS if k in found.values()))


def _one_typo(word: str, target: str) -> bool:
    """``word`` is ``target`` with one letter missing, added, wrong, or two neighbours swapped."""
    if word == target or abs(len(word) - len(target)) > 1:
        return False
    if len(word) == len(target):
        diff = [i for i, (a, b) in enumerate(zip(word, target, strict=True)) if a != b]
        if len(diff) == 1:
            return True
        first, second = diff if len(diff) == 2 else (0, 0)
        return second == first + 1 and (word[first], word[second]) == (target[second], target[first])
    short, long = sorted((word, target), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _misspelt(doc: Doc) -> list[str]:
    """Typed in a hurry: "i wnat to kil myself", "kill myslef", "kill my self", "sucide"."""
    words = [t.lower_ for t in doc]
    found = []
    for i, word in enumerate(words):
        after = words[i + 1 : i + 3]
        if word.startswith("k") and (word == "kill" or _one_typo(word, "kill")) and after:
            if (after[0] != "myself" and _one_typo(after[0], "myself")) or (word != "kill" and after[0] == "myself"):
                found.append(f"{word} {after[0]}")
            elif after[:1] == ["my"] and len(after) > 1 and (after[1] == "self" or _one_typo(after[1], "self")):
                found.append(f"{word} my {after[1]}")
        elif len(word) >= 6 and any(_one_typo(word, t) for t in ("suicide", "suicidal")):
            found.append(word)
        elif _one_typo(word, "want") and after == ["to", "die"]:
            found.append(f"{word} to die")
    return found


def _words(doc: Doc, start: int, count: int) -> list[str]:
    """Up to ``count`` lower-cased tokens from ``start`` within the clause (stops at punctuation)."""
    words = []
    for token in doc[start : start + count]:
        if token.text in CLAUSE_ENDS:
            break
        words.append(token.lower_)
    return words


def _work_after_go_on(doc: Doc, end: int) -> bool:
    """ "can't go on" + qualifiers + a work word, and the clause ends or goes on about plans."""
    for token in doc[end : end + 4]:
        if token.lower_ in GO_ON_WORK:
            after = doc[token.i + 1] if token.i + 1 < len(doc) else None
            return after is None or after.text in CLAUSE_ENDS or after.lower_ in CLAUSE_GOES_ON
        if token.lower_ not in GO_ON_QUALIFIERS:
            return False
    return False


def _work_after_way_out(doc: Doc, end: int) -> bool:
    """ "don't see a way out of this contract": "of" and an agreement, a place or a screen within four words."""
    words = _words(doc, end, 5)
    return words[:1] == ["of"] and bool(set(words[1:]) & WAY_OUT_OF_WORK)


def _her_something(doc: Doc, end: int) -> bool:
    """ "going to hurt her chances": "her" owns what follows; "going to hurt her." is a person."""
    if doc[end - 1].lower_ not in ("her", "his", "their") or end >= len(doc):
        return False
    following = doc[end]
    return following.is_alpha and following.lower_ not in CLAUSE_LINKS


def _asks_about_a_course(doc: Doc, start: int) -> bool:
    """ "do I have to take every pill the doctor gave me": a question about a prescription, asked
    right before the verb ("should I", "do I need to", "am I supposed to")."""
    before = " ".join(t.lower_ for t in doc[max(start - 4, 0) : start])
    return before.endswith(COURSE_QUESTIONS)


def _cutlery(doc: Doc, end: int) -> bool:
    """ "bring a knife and fork to the potluck": food within six words of "bring a knife"."""
    return bool({t.lower_ for t in doc[end : end + 6]} & FOOD)


def _someone_at_home(doc: Doc) -> bool:
    """Whether the message names someone the writer lives with (not "he"/"she": at work too)."""
    return bool({t.lower_ for t in doc} & (set(HOUSEHOLD) - {"he", "she", "they"}))


def _leaving_work_nearby(doc: Doc) -> bool:
    """ "I won't be around much longer, my contract ends in May": the message is about leaving the job."""
    return bool({t.lower_ for t in doc} & LEAVING_WORK)


def _where_to_live(doc: Doc, end: int) -> bool:
    """ "don't want to live in Leeds", unless the clause goes on in despair ("in this world anymore")."""
    words = _words(doc, end, 6)
    return bool(words) and words[0] in WHERE and not set(words) & STILL_DESPAIR


def _an_accident_at_work(doc: Doc, start: int, end: int) -> bool:
    """Hurt or cut by accident ("accidentally", a mechanism like "lifting" right after, or reporting an
    injury), and nothing in the message says it keeps happening or was meant."""
    lowered = [t.lower_ for t in doc]
    if set(lowered) & NOT_AN_ACCIDENT or "on purpose" in doc.text.lower():
        return False
    if "accidentally" in lowered[max(start - 2, 0) : start]:
        return True
    if set(_words(doc, end, 6)) & MECHANISMS:
        return True
    for i, word in enumerate(lowered):
        before = set(lowered[max(i - 3, 0) : i])
        if word in INJURY and before & REPORTING and not before & NEGATIONS:
            return True
    return False


def _idiom_after(doc: Doc, verb: Token, end: int) -> bool:
    """ "hits me up", "kicked me off", "hit me with another deadline", "beat me to it", "beat me at chess"."""
    stem = next((s for s in IDIOM_NEXT if verb.lower_.startswith(s)), None)
    if stem is None:
        return False
    following = _words(doc, end, 4)
    if not following:
        return False
    if following[0] in IDIOM_NEXT[stem]:
        return True
    if stem == "hit" and following[0] == "with":
        rest = [t.lower_ for t in doc[end + 1 : end + 7] if t.text != "-"]  # "a last-minute deadline"
        while rest and rest[0] in DETERMINERS and rest[0] not in WORKLOAD:
            rest.pop(0)
        return bool(rest) and rest[0] in WORKLOAD
    if stem == "beat" and following[0] == "to":
        return following[1:2] == ["it"] or following[1:3] == ["the", "punch"]
    if stem == "beat" and following[0] in ("at", "in"):
        return bool(set(following[1:]) & CONTEST)
    if stem == "punch" and following[0] == "in":
        return following[1:2] == ["for"]  # "punched me in for the shift": clocked in
    return False
