from django.urls import path

from yanglao.facilities import views

app_name = "facilities"

urlpatterns = [
    path("map/", views.public_map, name="public_map"),
]
