"""Reading the tone examples trainers edit in data/tone/*.yml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.tone.model import DISTRESSED_LABELS, LABELS


class ToneDataError(ValueError):
    """The tone file is malformed: a trainer needs to fix it."""


@dataclass(frozen=True)
class ToneExample:
    text: str
    label: str
    distressed: bool


def load_examples(folder: Path) -> list[ToneExample]:
    """All examples from the YAML files in ``folder``; checks labels and their distressed flag."""
    examples: list[ToneExample] = []
    for path in sorted(folder.glob("*.yml")):
        document = yaml.safe_load(path.read_text()) or {}
        for block in document.get("tone") or []:
            label = block.get("label")
            if label not in LABELS:
                raise ToneDataError(f"{path.name}: unknown label {label!r} (expected one of {', '.join(LABELS)})")
            distressed = bool(block.get("distressed"))
            if distressed != (label in DISTRESSED_LABELS):
                raise ToneDataError(f"{path.name}: label {label!r} must have distressed: {not distressed}")
            for line in str(block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- ") and line[2:].strip():
                    examples.append(ToneExample(line[2:].strip(), label, distressed))
    if not examples:
        raise ToneDataError(f"no tone examples in {folder}")
    return examples
