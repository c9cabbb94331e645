from django.urls import path

from egov.participation import views

app_name = "participation"
urlpatterns = [
    path("participation/", views.proposal_list, name="list"),
    path("participation/new/", views.proposal_new, name="new"),
    path("participation/<int:proposal_id>/", views.proposal_detail, name="detail"),
    path("participation/<int:proposal_id>/agree", views.proposal_agree, name="agree"),
    path("participation/<int:proposal_id>/comment", views.proposal_comment, name="comment"),
]
