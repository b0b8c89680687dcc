"""Command line: ``python -m handoff serve | token | agent-add``.

serve                       run the service (settings from the environment; see README)
token EMPLOYEE [--conversation ID]
                            print a signed employee session token, as the intranet would mint it
agent-add ID NAME TEAM --skills hr,it [--role agent|supervisor] [--capacity N]
                            create or replace an agent account; the password is read from stdin
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
import time

from aiohttp import web

from handoff import logs
from handoff.auth import ROLES, Identity, hash_password, sign
from handoff.backend.base import AgentAccount
from handoff.protocol import SKILLS
from handoff.settings import Settings
from handoff.web.app import create_app, make_backend


def _serve(settings: Settings) -> None:
    logs.configure(os.environ.get("HANDOFF_LOG_LEVEL", "INFO"))
    demo_password = os.environ.get("HANDOFF_DEMO_PASSWORD", "kindred-demo") if settings.demo else None
    app = create_app(settings, demo_password=demo_password)
    web.run_app(app, host=settings.host, port=settings.port, print=None, access_log=None, handle_signals=True)


def _token(settings: Settings, employee: str, conversation: str | None) -> None:
    cid = conversation or f"c-{secrets.token_hex(8)}"
    print(sign(settings.secret, Identity(employee, "employee", cid), time.time(), settings.token_ttl))


async def _agent_add(settings: Settings, args: argparse.Namespace) -> None:
    skills = frozenset(s.strip() for s in args.skills.split(",") if s.strip())
    if not skills <= SKILLS or args.role not in ROLES - {"employee"}:
        raise SystemExit(f"skills must be among {sorted(SKILLS)} and role agent or supervisor")
    password = sys.stdin.readline().rstrip("\n")
    if len(password) < 8:
        raise SystemExit("the password (read from stdin) must have at least 8 characters")
    backend = make_backend(settings)
    try:
        await backend.put_account(
            AgentAccount(args.id, args.name, args.team, args.role, skills, args.capacity, hash_password(password))
        )
    finally:
        await backend.close()
    print(f"agent {args.id} saved in the {backend.name} backend")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m handoff")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("serve")
    token = sub.add_parser("token")
    token.add_argument("employee")
    token.add_argument("--conversation")
    add = sub.add_parser("agent-add")
    add.add_argument("id")
    add.add_argument("name")
    add.add_argument("team")
    add.add_argument("--skills", required=True)
    add.add_argument("--role", default="agent")
    add.add_argument("--capacity", type=int, default=3)
    args = parser.parse_args(argv)
    settings = Settings.from_env(os.environ)
    if args.command in (None, "serve"):
        _serve(settings)
    elif args.command == "token":
        _token(settings, args.employee, args.conversation)
    elif args.command == "agent-add":
        asyncio.run(_agent_add(settings, args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
