"""Models are cached by a hash of exactly the inputs that change them."""

import shutil
from pathlib import Path
from typing import Any

from bot.settings import Settings
from bot.training import MODEL_INPUTS, inputs_hash, model_path

ROOT = Path(__file__).resolve().parents[2]


def copy_inputs(target: Path) -> Path:
    for name in MODEL_INPUTS:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, target / name)
    return target


def test_hash_is_stable_and_sensitive(tmp_path: Path) -> None:
    """Same inputs, same hash; any change to data, config or NLU code gives a new one."""
    root = copy_inputs(tmp_path)
    first = inputs_hash(root)
    assert inputs_hash(root) == first == inputs_hash(ROOT)
    (root / "data" / "nlu" / "extra.yml").write_text('version: "3.1"\nnlu: []\n')
    second = inputs_hash(root)
    assert second != first
    (root / "config.yml").write_text((root / "config.yml").read_text() + "\n# tweak\n")
    assert inputs_hash(root) != second


def test_tone_data_and_tests_do_not_retrain_rasa(tmp_path: Path) -> None:
    """Files Rasa does not read (tone examples, tests, docs) leave the model hash alone."""
    root = copy_inputs(tmp_path)
    before = inputs_hash(root)
    (root / "data" / "tone").mkdir()
    (root / "data" / "tone" / "tone.yml").write_text("tone: []\n")
    (root / "README.md").write_text("changed")
    assert inputs_hash(root) == before


def test_model_path_lives_in_the_cache(tmp_path: Path) -> None:
    settings = Settings.from_env({"KINDRED_CACHE_DIR": str(tmp_path)})
    path = model_path(settings, ROOT)
    assert path.parent == tmp_path / "models" and path.name == f"kindred-{inputs_hash(ROOT)}.tar.gz"


def test_predict_uses_the_model_of_the_current_inputs(tmp_path: Path, monkeypatch: Any) -> None:
    """Given the path of a model not trained yet, Rasa silently loaded the newest cached one, so
    `scripts/bot predict` measured an old model after a data change; it trains the current one first."""
    import argparse

    import bot.predict
    import bot.training
    from bot.cli import cmd_predict

    trained, used = tmp_path / "kindred-current.tar.gz", []
    monkeypatch.setattr(bot.training, "train_if_needed", lambda settings: trained)

    async def predict_lines(model: str, source: object, sink: object) -> int:
        used.append(model)
        return 0

    monkeypatch.setattr(bot.predict, "predict_lines", predict_lines)
    assert cmd_predict(Settings.from_env({"KINDRED_CACHE_DIR": str(tmp_path)}), argparse.Namespace(model=None)) == 0
    assert (
        cmd_predict(Settings.from_env({"KINDRED_CACHE_DIR": str(tmp_path)}), argparse.Namespace(model="given.tar.gz"))
        == 0
    )
    assert used == [str(trained), "given.tar.gz"]
