from django.urls import path

from frontdesk.web.appraisal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("ranking/", views.ranking, name="ranking"),
    path("agents/<str:agent_id>/", views.scorecard, name="scorecard"),
    path("cycles/", views.cycles, name="cycles"),
    path("cycles/<str:period>/<str:kind>/", views.cycle_detail, name="cycle"),
    path("cycles/<str:period>/<str:kind>/transition/", views.cycle_transition, name="cycle_transition"),
]
