from django.urls import path

from egov.customs import views

app_name = "customs"

urlpatterns = [
    path("customs/statistics/", views.statistics, name="statistics"),
    path("my/customs/", views.my_declarations, name="my_declarations"),
    path("my/customs/new/", views.declaration_new, name="new"),
    path("my/customs/<str:number>/", views.my_declaration, name="my_declaration"),
    path("my/customs/<str:number>/<slug:action>", views.my_act, name="my_act"),
    path("office/customs/", views.office_queue, name="office_queue"),
    path("office/customs/rules/", views.office_rules, name="office_rules"),
    path("office/customs/rules/<slug:action>", views.office_rules_act, name="office_rules_act"),
    path("office/customs/tariff/", views.office_tariff, name="office_tariff"),
    path("office/customs/securities/", views.office_securities, name="office_securities"),
    path(
        "office/customs/securities/<int:pk>/release",
        views.office_security_release,
        name="office_security_release",
    ),
    path("office/customs/<str:number>/", views.office_declaration, name="office_declaration"),
    path("office/customs/<str:number>/<slug:action>", views.office_act, name="office_act"),
]
