from django.urls import path

from egov.exchange import views

app_name = "exchange"
urlpatterns = [
    path("my/access-log/", views.my_access_log, name="my_access_log"),
    path("my/access-log/<int:entry_id>/proof.json", views.my_access_log_proof, name="my_access_log_proof"),
    path("my/access-log.csv", views.my_access_log_csv, name="my_access_log_csv"),
    path("my/consents/", views.my_consents, name="my_consents"),
    path("my/consents/<int:consent_id>/revoke/", views.my_consent_revoke, name="my_consent_revoke"),
    path("office/exchange/grants/", views.grants, name="grants"),
    path("office/exchange/grants/<int:grant_id>/decide/", views.grant_decide, name="grant_decide"),
    path("office/exchange/statistics/", views.statistics, name="statistics"),
]
