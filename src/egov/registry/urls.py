from django.urls import path

from egov.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.home, name="home"),
]
