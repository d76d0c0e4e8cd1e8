"""The API's docs page, entirely same-origin: Swagger UI from the installed django-ninja package.

Ninja's own page falls back to a CDN unless ``ninja`` is an installed app; rather than install an
app for its static files, this page names a small view that serves exactly those few files, and
Swagger UI's online validator badge (an image from validator.swagger.io) is switched off.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from ninja.openapi.docs import Swagger

ASSETS_DIR = Path(ninja.__file__).resolve().parent / "static" / "ninja"
ASSETS = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js", "favicon.png"})


class SameOriginSwagger(Swagger):
    """Swagger UI rendered from ``api/docs.html``, whose every asset is served by ``docs_asset``."""

    def __init__(self) -> None:
        super().__init__(settings={"validatorUrl": None})

    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        return render(request, "api/docs.html", {"api": api, "swagger_settings": settings})


@require_GET
def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    """One of the docs page's files from the installed django-ninja package; nothing else."""
    if name not in ASSETS:
        raise Http404("no such asset")
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse((ASSETS_DIR / name).open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response
