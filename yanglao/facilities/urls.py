from django.urls import path

from yanglao.facilities import views

app_name = "facilities"

urlpatterns = [
    path("map/", views.public_map, name="public_map"),
    path("facilities/", views.facility_list, name="list"),
    path("facilities/panel/", views.home_panel, name="home_panel"),
    path("facilities/new/", views.facility_create, name="create"),
    path("facilities/export/", views.facility_export, name="export"),
    path("facilities/import/", views.facility_import, name="import"),
    path("facilities/<int:pk>/edit/", views.facility_edit, name="edit"),
    path("facilities/coverage/", views.coverage_map, name="coverage_map"),
    path("facilities/indicators/", views.indicators, name="indicators"),
    path("facilities/<int:pk>/", views.facility_detail, name="detail"),
    path("facilities/<int:pk>/beds/", views.bed_create, name="bed_create"),
    path("facilities/<int:pk>/beds/<int:bed_id>/admit/", views.bed_admit, name="bed_admit"),
    path("facilities/<int:pk>/beds/<int:bed_id>/discharge/", views.bed_discharge, name="bed_discharge"),
]
