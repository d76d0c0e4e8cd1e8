from django.urls import path

from frontdesk.web.appeals import views

app_name = "appeals"
urlpatterns = [
    path("", views.appeal_list, name="list"),
    path("new/<int:indicator_id>/", views.file_appeal, name="new"),
    path("<int:appeal_id>/", views.appeal_detail, name="detail"),
    path("<int:appeal_id>/decide/", views.decide_appeal, name="decide"),
    path("audit/", views.audit_log, name="audit"),
    path("statistics/", views.statistics, name="statistics"),
]
