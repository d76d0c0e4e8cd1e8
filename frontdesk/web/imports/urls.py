from django.urls import path

from frontdesk.web.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.imports_home, name="home"),
    path("uploads/<str:upload_id>/", views.upload_detail, name="upload"),
    path("uploads/<str:upload_id>/commit/", views.upload_commit, name="commit"),
    path("batches/<str:batch_id>/", views.batch_detail, name="batch"),
    path("batches/<str:batch_id>/quarantine.csv", views.batch_quarantine, name="quarantine"),
    path("batches/<str:batch_id>/undo/", views.batch_undo, name="undo"),
]
