"""`rasa test` on the test stories: every intent's happy path and the form interruptions."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.e2e
def test_stories_pass(trained_model: Path, tmp_path: Path) -> None:
    """No story fails: NLU gets the wording right and the policies pick the expected actions."""
    cmd = [
        sys.executable,
        "-m",
        "rasa",
        "test",
        "core",
        "--model",
        str(trained_model),
        "--stories",
        str(ROOT / "tests" / "test_stories.yml"),
        "--out",
        str(tmp_path),
        "--no-plot",
    ]
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    failed = (
        (tmp_path / "failed_test_stories.yml").read_text() if (tmp_path / "failed_test_stories.yml").exists() else ""
    )
    report = (
        json.loads((tmp_path / "story_report.json").read_text()) if (tmp_path / "story_report.json").exists() else {}
    )
    assert "story:" not in failed, failed[:4000]
    assert report, "rasa test wrote no report"
