"""The handoff service: the only process browsers talk to (websocket gateway, agent queue, live relay).

Not built yet; see issue 4. Lives in its own environment on current aiohttp/websockets/redis releases.
"""
