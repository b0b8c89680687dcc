"""`rasa data validate`, strict: any warning fails, except two known false alarms.

Rasa 3.6 reports every ``utter_ask_<slot>`` as "not used in any story or rule" although forms
use them; those lines are dropped when the slot belongs to a form. It also reports intents that have
no NLU examples, which ``EXTERNAL_*`` intents must not have: the handoff service triggers them over
the HTTP API, and examples would teach the classifier to predict them for typed messages. Those
lines are dropped for ``EXTERNAL_*`` intents of the domain. Everything else counts.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml

from bot.training import rasa_command

UNUSED = re.compile(r"The utterance '(utter_ask_\w+)' is not used in any story or rule")
NO_EXAMPLES = re.compile(r"The intent '(EXTERNAL_\w+)' is listed in the domain file, but is not found in the NLU")


def form_questions(domain_file: Path) -> set[str]:
    domain = yaml.safe_load(domain_file.read_text())
    return {
        f"utter_ask_{slot}" for form in (domain.get("forms") or {}).values() for slot in form.get("required_slots", [])
    }


def external_intents(domain_file: Path) -> set[str]:
    domain = yaml.safe_load(domain_file.read_text())
    return {str(i) for i in domain.get("intents") or [] if isinstance(i, str) and i.startswith("EXTERNAL_")}


def validate_data(root: Path) -> list[str]:
    """Problems found by `rasa data validate` (empty when the data is clean)."""
    cmd = rasa_command(root, "data", "validate")
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
    expected = form_questions(root / "domain.yml")
    external = external_intents(root / "domain.yml")
    problems = []
    for line in (proc.stdout + proc.stderr).splitlines():
        if "UserWarning" not in line and " ERROR " not in line and "WARNING " not in line:
            continue
        if "DeprecationWarning" in line or "pkg_resources" in line:
            continue
        match = UNUSED.search(line)
        if match and match.group(1) in expected:
            continue
        match = NO_EXAMPLES.search(line)
        if match and match.group(1) in external:
            continue
        problems.append(line.strip())
    if proc.returncode != 0:
        problems.append(f"rasa data validate exited with {proc.returncode}")
    return problems
