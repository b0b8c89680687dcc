"""The two web pages and their static assets, with the security and caching headers every response gets."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from handoff.web.state import SETTINGS

# Scripts, styles and sockets from this origin only; no inline code, no framing, no plugins.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
STATIC_MAX_AGE = 300  # assets are not fingerprinted: short caching, revalidated with ETag / Last-Modified


@web.middleware
async def security_headers(request: web.Request, handler: Any) -> web.StreamResponse:
    response: web.StreamResponse = await handler(request)
    if isinstance(response, web.WebSocketResponse) or response.prepared:
        return response
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", f"public, max-age={STATIC_MAX_AGE}")
    else:
        response.headers.setdefault("Cache-Control", "no-cache")
    return response


def _page(name: str) -> Any:
    async def page(request: web.Request) -> web.FileResponse:
        path = request.app[SETTINGS].static_dir / name
        if not path.is_file():
            raise web.HTTPNotFound()
        return web.FileResponse(path)

    return page


def add_pages(app: web.Application) -> None:
    app.router.add_get("/", _page("demo.html"))
    app.router.add_get("/console", _page("console.html"))
    app.router.add_static("/static/", app[SETTINGS].static_dir, follow_symlinks=False, append_version=False)
