from django.urls import path

from frontdesk.web.feedback import views

app_name = "feedback"
urlpatterns = [
    path("", views.home, name="home"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/new/", views.campaign_new, name="campaign_new"),
    path("campaigns/<int:campaign_id>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:campaign_id>/remind/", views.campaign_remind, name="campaign_remind"),
    path("campaigns/<int:campaign_id>/agents/<str:agent_id>/", views.subject_results, name="subject"),
    path("rate/<str:token>/", views.rate_by_link, name="rate"),
    path("tasks/<int:invitation_id>/", views.rate_task, name="task"),
    path("surveys/", views.survey_links, name="survey_links"),
    path("s/<str:token>/", views.survey, name="survey"),
    path("qa/", views.qa_list, name="qa"),
    path("qa/new/", views.qa_new, name="qa_new"),
    path("qa/<int:review_id>/", views.qa_review, name="qa_review"),
    path("calibration/", views.calibration_list, name="calibrations"),
    path("calibration/new/", views.calibration_new, name="calibration_new"),
    path("calibration/<int:session_id>/", views.calibration_detail, name="calibration"),
    path("calibration/<int:session_id>/review/", views.calibration_review, name="calibration_review"),
]
