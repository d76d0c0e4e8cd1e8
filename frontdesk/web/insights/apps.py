from django.apps import AppConfig


class InsightsConfig(AppConfig):
    """No models: the pages read ``appraisal``'s (and ``appeals``') tables and the event store."""

    name = "frontdesk.web.insights"
    label = "insights"
