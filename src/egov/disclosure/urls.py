from django.urls import path

from egov.disclosure import views

app_name = "disclosure"
urlpatterns = [
    path("disclosure/", views.home, name="home"),
    path("disclosure/new/", views.request_new, name="new"),
    path("disclosure/statistics/", views.statistics, name="statistics"),
    path("disclosure/statistics.csv", views.statistics_csv, name="statistics_csv"),
    path("disclosure/publications/", views.publication_list, name="publications"),
    path(
        "disclosure/publications/<int:publication_id>/file",
        views.publication_download,
        name="publication_download",
    ),
    path("my/disclosure/", views.my_requests, name="my_requests"),
    path("my/disclosure/<str:number>/", views.my_request, name="my_request"),
    path("my/disclosure/<str:number>/receipt", views.my_request_receipt, name="my_request_receipt"),
    path("my/disclosure/<str:number>/objection", views.my_objection, name="my_objection"),
    path("my/disclosure/<str:number>/files/<int:file_id>", views.my_file, name="my_file"),
    path("office/disclosure/", views.office_queue, name="office_queue"),
    path("office/disclosure/publications/", views.office_publications, name="office_publications"),
    path(
        "office/disclosure/publications/<int:publication_id>/withdraw",
        views.office_publication_withdraw,
        name="office_publication_withdraw",
    ),
    path("office/disclosure/<str:number>/", views.office_request, name="office_request"),
    path("office/disclosure/<str:number>/files/<int:file_id>", views.office_file, name="office_file"),
    path("office/disclosure/<str:number>/<slug:action>", views.office_act, name="office_act"),
]
