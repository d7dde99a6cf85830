from django.urls import path

from yanglao.people import views

app_name = "people"

urlpatterns = [
    path("elders/", views.elder_list, name="elder_list"),
    path("elders/new/", views.elder_create, name="elder_create"),
    path("elders/export/", views.elder_export, name="elder_export"),
    path("elders/counts/", views.elder_counts, name="elder_counts"),
    path("elders/<int:pk>/", views.elder_detail, name="elder_detail"),
    path("elders/<int:pk>/reveal/<str:field>/", views.elder_reveal, name="elder_reveal"),
    path("elders/<int:pk>/contacts/<int:position>/reveal/", views.contact_reveal, name="contact_reveal"),
    path("elders/<int:pk>/events/<str:kind>/", views.elder_event, name="elder_event"),
    path("elders/<int:pk>/family/", views.family_panel, name="family_panel"),
    path("elders/<int:pk>/family/invite/", views.family_invite, name="family_invite"),
    path("elders/<int:pk>/family/link/", views.family_link, name="family_link"),
    path("elders/<int:pk>/family/<int:link_id>/unlink/", views.family_unlink, name="family_unlink"),
    path("family/join/", views.family_join, name="family_join"),
    path("transfers/", views.transfer_list, name="transfer_list"),
    path("transfers/<int:pk>/<str:action>/", views.transfer_decide, name="transfer_decide"),
    path("imports/template/", views.import_template, name="import_template"),  # moved to core
]
