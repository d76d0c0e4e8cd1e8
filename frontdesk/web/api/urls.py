"""``/api/``: the ninja API (routes, ``openapi.json``, ``docs``) and the docs page's own assets."""

from django.urls import path

from frontdesk.web.api.api import api
from frontdesk.web.api.docs import docs_asset

urlpatterns = [
    path("docs/assets/<str:name>", docs_asset, name="api-docs-asset"),
    path("", api.urls),
]
