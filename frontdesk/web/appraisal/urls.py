from django.urls import include, path

from frontdesk.web.appraisal import calibration, transparency, views

urlpatterns = [
    path("scheme/", transparency.scheme_page, name="scheme"),
    path("scheme/scheme.yaml", transparency.scheme_yaml, name="scheme_yaml"),
    path("scheme/acknowledge/", transparency.acknowledge, name="scheme_acknowledge"),
    path("scheme/calibrate/", calibration.calibrate_page, name="scheme_calibrate"),
    path("ranking/", views.ranking, name="ranking"),
    path("dashboard/", include("frontdesk.web.appraisal.dashboard")),
    path("agents/<str:agent_id>/", views.scorecard, name="scorecard"),
    path("agents/<str:agent_id>/evidence/<str:code>/", views.evidence, name="evidence"),
    path("cycles/", views.cycles, name="cycles"),
    path("cycles/<str:period>/<str:kind>/", views.cycle_detail, name="cycle"),
    path("cycles/<str:period>/<str:kind>/transition/", views.cycle_transition, name="cycle_transition"),
]
