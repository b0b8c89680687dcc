"""The handoff service: the only process browsers talk to (websocket gateway, agent queue, live relay).

It runs in its own environment on current aiohttp/websockets/redis releases; see docs/protocol.md.
"""
