from django.urls import path

from egov.petitions import views

app_name = "petitions"
urlpatterns = [
    path("petitions/", views.home, name="home"),
    path("petitions/new/", views.petition_new, name="new"),
    path("petitions/statistics/", views.statistics, name="statistics"),
    path("petitions/statistics.csv", views.statistics_csv, name="statistics_csv"),
    path("my/petitions/", views.my_petitions, name="my_petitions"),
    path("my/petitions/<str:number>/", views.my_petition, name="my_petition"),
    path(
        "my/petitions/<str:number>/attachments/<int:attachment_id>", views.my_attachment, name="my_attachment"
    ),
    path("my/petitions/<str:number>/receipt", views.my_petition_receipt, name="my_petition_receipt"),
    path("my/petitions/<str:number>/<slug:action>", views.my_petition_act, name="my_act"),
    path("office/petitions/", views.office_queue, name="office_queue"),
    path("office/petitions/<str:number>/", views.office_petition, name="office_petition"),
    path(
        "office/petitions/<str:number>/attachments/<int:attachment_id>",
        views.office_attachment,
        name="office_attachment",
    ),
    path("office/petitions/<str:number>/<slug:action>", views.office_act, name="office_act"),
]
