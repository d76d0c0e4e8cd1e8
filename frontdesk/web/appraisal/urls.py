from django.urls import path

from frontdesk.web.appraisal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("ranking/", views.ranking, name="ranking"),
    path("agents/<str:agent_id>/", views.scorecard, name="scorecard"),
]
