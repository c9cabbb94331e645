from django.urls import path

from egov.documents import views

app_name = "documents"
urlpatterns = [
    path("verify", views.verify, name="verify"),
    path("my/documents/", views.my_documents, name="my_documents"),
    path("documents/<str:number>.pdf", views.download, {"kind": "pdf"}, name="download_pdf"),
    path("documents/<str:number>.jws", views.download, {"kind": "jws"}, name="download_jws"),
    path("office/documents/", views.office_documents, name="office_documents"),
    path("office/documents/<str:number>/", views.office_document, name="office_document"),
    path("office/documents/<str:number>/revoke", views.office_document_revoke, name="office_document_revoke"),
]
