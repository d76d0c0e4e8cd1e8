from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "frontdesk.web.feedback"
    label = "feedback"
    verbose_name = _("Multi-rater feedback")
    default_auto_field = "django.db.models.BigAutoField"
