"""URL map: pages at the root (appraisal's, and the analysis pages of ``insights``), sign-in under
``accounts/``, the language switch, the admin."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Frontdesk administration")
admin.site.site_title = _("Frontdesk administration")

urlpatterns = [
    path("", include("frontdesk.web.appraisal.urls")),
    path("", include("frontdesk.web.insights.urls")),
    path("appeals/", include("frontdesk.web.appeals.urls")),
    path("feedback/", include("frontdesk.web.feedback.urls")),
    path("imports/", include("frontdesk.web.imports.urls")),
    path("accounts/", include("frontdesk.web.accounts.urls")),
    path("api/", include("frontdesk.web.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
