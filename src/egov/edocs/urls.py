from django.urls import path

from egov.edocs import views

app_name = "edocs"
urlpatterns = [
    path("office/edocs/", views.queue, name="queue"),
    path("office/edocs/new/", views.draft_new, name="new"),
    path("office/edocs/register/", views.register, name="register"),
    path("office/edocs/received/", views.received, name="received"),
    path("office/edocs/documents/<str:number>/", views.document, name="document"),
    path("office/edocs/documents/<str:number>/dispatch", views.dispatch, name="dispatch"),
    path(
        "office/edocs/documents/<str:number>/attachments/<int:attachment_id>",
        views.document_attachment,
        name="document_attachment",
    ),
    path(
        "office/edocs/documents/<str:number>/step-up/<slug:action>",
        views.document_step_up_options,
        name="document_step_up_options",
    ),
    path("office/edocs/documents/<str:number>/<slug:action>", views.document_act, name="document_act"),
    path("office/edocs/received/<str:number>/", views.receipt, name="receipt"),
    path(
        "office/edocs/received/<str:number>/attachments/<int:attachment_id>",
        views.receipt_attachment,
        name="receipt_attachment",
    ),
    path("office/edocs/received/<str:number>/<slug:action>", views.receipt_act, name="receipt_act"),
    path("office/edocs/search/", views.search, name="search"),
    path("office/edocs/statistics/", views.statistics, name="statistics"),
    path("office/edocs/appraisals/", views.appraisals, name="appraisals"),
    path("office/edocs/appraisals/<str:number>/", views.appraisal, name="appraisal"),
    path("office/edocs/appraisals/<str:number>/<slug:action>", views.appraisal_act, name="appraisal_act"),
]
