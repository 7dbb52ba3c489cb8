"""``dlbench serve``: a local web dashboard of stored runs and the quiz in the browser.

The only package that imports the web stack (FastAPI, Starlette, Jinja2, uvicorn); it is
installed with the optional extra ``dlbench[web]``. Pages are rendered on the server
(Jinja2); the few scripts (uPlot charts, htmx, server-sent events) are static files
served by the app itself, so a page loads nothing from the network.

- :mod:`.settings` what one server serves (databases, language, host, allowed hosts)
- :mod:`.app` the FastAPI application (``create_app``)
- :mod:`.security` Host allow-list, same-origin check, security headers
- :mod:`.i18n` / :mod:`.render` message catalogs and template rendering
- :mod:`.deps` the stores as request dependencies (short read transactions)
- :mod:`.server` uvicorn in a background thread (``dlbench run --serve``)
"""
