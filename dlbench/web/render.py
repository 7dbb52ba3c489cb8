"""Server-side pages: Jinja2 templates with the translation function and URL helpers.

Every template extends ``base.html`` (blocks ``title``, ``content``, ``scripts``) and gets
``t(key, **fmt)`` (the request's language), ``lang``, ``url_with(**params)`` (this page's
URL with some query parameters replaced; ``None`` removes one) and ``request``.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from . import i18n

TEMPLATES = Path(__file__).parent / "templates"
#: a year: the language choice outlives the browser session
COOKIE_MAX_AGE = 365 * 24 * 3600

environment = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                          autoescape=select_autoescape(["html"]),
                          undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def page_language(request: Request) -> str:
    settings = getattr(request.app.state, "settings", None)
    return i18n.request_language(request, getattr(settings, "lang", None))


def url_with(request: Request, **params) -> str:
    """The path of ``request`` with ``params`` replacing its query parameters."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k not in params]
    query += [(k, str(v)) for k, v in params.items() if v is not None and v != ""]
    return request.url.path + ("?" + urlencode(query) if query else "")


def render(request: Request, template_name: str, status_code: int = 200,
           **context) -> HTMLResponse:
    """The page ``template_name`` in the request's language; a valid ``?lang=`` is also
    remembered in a cookie so the next page (and a reload without it) keeps it."""
    lang = page_language(request)

    def t(key: str, **fmt) -> str:
        return i18n.translate(lang, key, **fmt)

    html = environment.get_template(template_name).render(
        request=request, t=t, lang=lang, url_with=lambda **p: url_with(request, **p),
        path=request.url.path, **context)
    response = HTMLResponse(html, status_code=status_code)
    asked = i18n.normalise(request.query_params.get("lang"))
    if asked and asked != request.cookies.get(i18n.COOKIE):
        response.set_cookie(i18n.COOKIE, asked, max_age=COOKIE_MAX_AGE, samesite="lax",
                            httponly=True)
    return response
