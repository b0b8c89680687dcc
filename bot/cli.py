"""`scripts/bot`: prepare, seed, train, validate, predict and run the assistant.

This is the process edge: settings are read here, once, and passed down.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import subprocess
import sys
from pathlib import Path
from typing import Sequence

from bot.settings import REPO_ROOT, Settings, load_settings

log = logging.getLogger("kindred")


def cmd_prepare(settings: Settings, args: argparse.Namespace) -> int:
    from bot.nlu.encoder import prepare_encoder

    print(prepare_encoder(settings.encoder_dir))
    return 0


def cmd_seed(settings: Settings, args: argparse.Namespace) -> int:
    from bot.db.engine import make_engine, make_sessions
    from bot.db.seed import seed

    engine = make_engine(settings.database_url)
    with make_sessions(engine)() as session:
        n = seed(session, dt.date.today(), employees=args.employees, reset=args.reset)
    print(f"{n} employees in {engine.url.render_as_string(hide_password=True)}")
    return 0


def trained_models(settings: Settings, force: bool = False) -> Path:
    """The tone model, then the Rasa model (its tone component loads the first); old cache entries go."""
    from bot.cache import prune_cache
    from bot.tone.training import train_tone_if_needed
    from bot.training import train_if_needed

    tone = train_tone_if_needed(settings)
    model = train_if_needed(settings, force=force)
    prune_cache(settings, [tone, model])
    return model


def cmd_train(settings: Settings, args: argparse.Namespace) -> int:
    print(trained_models(settings, force=args.force))
    return 0


def cmd_model_path(settings: Settings, args: argparse.Namespace) -> int:
    from bot.training import model_path

    print(model_path(settings))
    return 0


def cmd_validate(settings: Settings, args: argparse.Namespace) -> int:
    from bot.validation import validate_data

    problems = validate_data(REPO_ROOT)
    for p in problems:
        print(p)
    print("data valid" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


def cmd_predict(settings: Settings, args: argparse.Namespace) -> int:
    from bot.predict import predict_lines
    from bot.training import train_if_needed

    # Trained first when the data changed: given a missing file, Rasa silently loads the newest model.
    model = args.model or str(train_if_needed(settings))
    return asyncio.run(predict_lines(model, sys.stdin, sys.stdout))


def cmd_tone(settings: Settings, args: argparse.Namespace) -> int:
    from pathlib import Path

    from bot.tone.training import train_tone_if_needed

    if args.action == "train":
        print(train_tone_if_needed(settings, force=args.force))
        return 0
    from bot.tone.evaluate import evaluate, print_report

    report = evaluate(train_tone_if_needed(settings), Path(args.data) if args.data else None, Path(args.out))
    print_report(report)
    print(f"wrote {args.out}/tone_eval.json, tone_confusion.png, tone_threshold.png")
    return 0


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.serve import run_services

    subprocess.run([sys.executable, "-m", "bot.cli", "seed"], check=True, cwd=REPO_ROOT)
    return run_services(settings, trained_models(settings))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("prepare", help="export the MiniLM encoder to ONNX (once)").set_defaults(fn=cmd_prepare)
    seed = sub.add_parser("seed", help="fill the HR/IT database with the fictional company")
    seed.add_argument("--reset", action="store_true", help="delete everything first")
    seed.add_argument("--employees", type=int, default=300)
    seed.set_defaults(fn=cmd_seed)
    train = sub.add_parser("train", help="train the Rasa model if its inputs changed; print its path")
    train.add_argument("--force", action="store_true")
    train.set_defaults(fn=cmd_train)
    sub.add_parser("model-path", help="print where the model for the current inputs is cached").set_defaults(
        fn=cmd_model_path
    )
    sub.add_parser("validate", help="rasa data validate, failing on any warning that matters").set_defaults(
        fn=cmd_validate
    )
    predict = sub.add_parser("predict", help='JSON lines {"text": ...} on stdin -> predictions on stdout')
    predict.add_argument("--model", help="model archive (default: the cached model for the current inputs)")
    predict.set_defaults(fn=cmd_predict)
    tone = sub.add_parser("tone", help="train or evaluate the tone model")
    tone.add_argument("action", choices=["train", "eval"])
    tone.add_argument("--force", action="store_true", help="train even if the cached model is current")
    tone.add_argument("--data", help="JSON lines with text and distressed, for eval")
    tone.add_argument("--out", default="var/tone-eval", help="folder for the eval report and PNGs")
    tone.set_defaults(fn=cmd_tone)
    sub.add_parser("run", help="seed, train if needed, and start every service").set_defaults(fn=cmd_run)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    return int(args.fn(load_settings(), args))


if __name__ == "__main__":
    sys.exit(main())
