"""The analysis pages at the site's root, included without a namespace: their URL names (``home``,
``quality``, ``evaluation``, ``transcript``) are those the templates and tests have always used."""

from django.urls import path

from frontdesk.web.insights import evaluation, home, quality, transcripts

urlpatterns = [
    path("", home.home, name="home"),
    path("quality/", quality.quality_page, name="quality"),
    path("evaluation/", evaluation.evaluation_page, name="evaluation"),
    path("interactions/<str:interaction_id>/transcript/", transcripts.transcript, name="transcript"),
]
