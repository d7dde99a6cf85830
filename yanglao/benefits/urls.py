from django.urls import path

from yanglao.benefits import views

app_name = "benefits"

urlpatterns = [
    path("benefits/batches/", views.batch_list, name="batch_list"),
    path("benefits/batches/prepare/", views.batch_prepare, name="batch_prepare"),
    path("benefits/batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("benefits/batches/<int:pk>/step/<str:action>/", views.batch_step, name="batch_step"),
    path("benefits/batches/<int:pk>/bank.txt", views.batch_bank_file, name="batch_bank_file"),
    path("benefits/batches/<int:pk>/batch.xlsx", views.batch_workbook, name="batch_workbook"),
    path("benefits/payments/", views.payment_list, name="payment_list"),
    path("benefits/payments/export/", views.payment_export, name="payment_export"),
    path("benefits/applications/export/", views.application_export, name="application_export"),
    path("benefits/recoveries/export/", views.recovery_export, name="recovery_export"),
    path("benefits/policies/", views.policy_list, name="policy_list"),
    path("benefits/policies/<int:pk>/revise/", views.policy_revise, name="policy_revise"),
    path("benefits/applications/", views.application_list, name="application_list"),
    path("benefits/applications/new/<int:elder>/", views.application_new, name="application_new"),
    path("benefits/applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("benefits/recoveries/", views.recovery_list, name="recovery_list"),
    path("benefits/recoveries/<int:pk>/settle/", views.recovery_settle, name="recovery_settle"),
    path("benefits/family/", views.family_benefits, name="family_benefits"),
    path("benefits/people/<int:pk>/", views.elder_benefits, name="elder_benefits"),
    path("benefits/people/<int:pk>/panel/", views.elder_panel, name="elder_panel"),
    path("benefits/people/<int:pk>/account/", views.account_edit, name="account_edit"),
    path("benefits/people/<int:pk>/adjust/", views.adjustment_new, name="adjustment_new"),
]
