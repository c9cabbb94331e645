from django.urls import path

from egov.civil import views

app_name = "civil"
urlpatterns = [
    path("services/", views.catalogue, name="catalogue"),
    path("services/<slug:code>/", views.service_page, name="service"),
    path("services/<slug:code>/apply", views.service_apply, name="apply"),
    path("my/applications/", views.my_applications, name="my_applications"),
    path("my/applications/<str:number>/", views.my_application, name="my_application"),
    path("my/applications/<str:number>/receipt", views.my_application_receipt, name="my_application_receipt"),
    path("my/applications/<str:number>/withdraw", views.my_application_withdraw, name="withdraw"),
    path("office/civil/", views.queue, name="queue"),
    path("office/civil/applications/<str:number>/", views.office_application, name="office_application"),
    path("office/civil/applications/<str:number>/<slug:action>", views.office_act, name="office_act"),
    path("office/civil/counter/", views.counter, name="counter"),
    path("office/civil/services/", views.office_services, name="office_services"),
    path("office/civil/statistics/", views.statistics, name="statistics"),
    path("office/civil/notices/", views.notices, name="notices"),
]
