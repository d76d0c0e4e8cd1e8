from django.urls import include, path

from frontdesk.web.appraisal import evaluation, home, quality, transcripts, transparency, views

urlpatterns = [
    path("", home.home, name="home"),
    path("scheme/", transparency.scheme_page, name="scheme"),
    path("scheme/scheme.yaml", transparency.scheme_yaml, name="scheme_yaml"),
    path("scheme/acknowledge/", transparency.acknowledge, name="scheme_acknowledge"),
    path("ranking/", views.ranking, name="ranking"),
    path("dashboard/", include("frontdesk.web.appraisal.dashboard")),
    path("quality/", quality.quality_page, name="quality"),
    path("evaluation/", evaluation.evaluation_page, name="evaluation"),
    path("agents/<str:agent_id>/", views.scorecard, name="scorecard"),
    path("agents/<str:agent_id>/evidence/<str:code>/", views.evidence, name="evidence"),
    path("interactions/<str:interaction_id>/transcript/", transcripts.transcript, name="transcript"),
    path("cycles/", views.cycles, name="cycles"),
    path("cycles/<str:period>/<str:kind>/", views.cycle_detail, name="cycle"),
    path("cycles/<str:period>/<str:kind>/transition/", views.cycle_transition, name="cycle_transition"),
]
