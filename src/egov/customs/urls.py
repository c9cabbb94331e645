from django.urls import path

from egov.customs import views

app_name = "customs"

urlpatterns = [
    path("customs/statistics/", views.statistics, name="statistics"),
]
