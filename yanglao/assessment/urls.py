from django.urls import path

from yanglao.assessment import views

app_name = "assessment"

urlpatterns = [
    path("assessments/", views.assessment_list, name="list"),
    path("assessments/due/", views.reassessment_due, name="due"),
    path("assessments/export/", views.assessment_export, name="export"),
    path("assessments/<int:pk>/", views.assessment_detail, name="detail"),
    path("assessments/<int:pk>/assign/", views.assessment_assign, name="assign"),
    path("assessments/<int:pk>/form/", views.assessment_form, name="form"),
    path("assessments/<int:pk>/answers/", views.assessment_answers, name="answers"),
    path("assessments/<int:pk>/confirm/", views.assessment_confirm, name="confirm"),
    path("assessments/panel/", views.home_panel, name="home_panel"),
    path("assessments/<int:pk>/review/", views.assessment_review, name="review"),
    path("assessments/<int:pk>/dispute/", views.assessment_dispute, name="dispute"),
    path("assessments/<int:pk>/report/", views.assessment_report, name="report"),
    path("elders/<int:elder_id>/assessments/new/", views.assessment_request, name="request"),
    path("elders/<int:pk>/assessments/", views.elder_panel, name="elder_panel"),
]
