from django.urls import path

from egov.kpi import views

app_name = "kpi"
urlpatterns = [
    path("kpi/", views.dashboard, name="dashboard"),
    path("office/kpi/", views.office_dashboard, name="office_dashboard"),
    path("office/kpi/report", views.office_report, name="office_report"),
    path("office/kpi/<slug:code>/cases/", views.office_cases, name="office_cases"),
]
