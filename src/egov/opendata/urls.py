from django.urls import path, re_path

from egov.opendata import ckan_views, views

app_name = "opendata"
urlpatterns = [
    # CKAN serves the Action API under both prefixes; ckanapi calls /api/action/.
    path("api/3/action/<str:name>", ckan_views.action, name="action"),
    path("api/action/<str:name>", ckan_views.action, name="action_unversioned"),
    re_path(r"^catalog\.(?P<kind>ttl|jsonld|rdf)$", views.catalog_rdf, name="catalog"),
    path("data/", views.catalogue, name="catalogue"),
    path("data/dataset/<str:name>/", views.dataset, name="dataset"),
    path("data/resource/<uuid:resource_id>/", views.resource, name="resource"),
    path("data/resource/<uuid:resource_id>/download", views.download, name="download"),
    path("data/requests/", views.requests_list, name="requests"),
    path("data/requests/new", views.request_new, name="request_new"),
    path("data/requests/<str:number>/", views.request_detail, name="request"),
    path("my/data/requests/<str:number>/", views.my_request, name="my_request"),
    path("office/data/requests/", views.office_requests, name="office_requests"),
    path("office/data/requests/<str:number>/", views.office_request, name="office_request"),
    path(
        "office/data/requests/<str:number>/<slug:action>", views.office_request_act, name="office_request_act"
    ),
    path("my/data/keys/", views.my_keys, name="my_keys"),
    path("my/data/keys/<int:key_id>/revoke", views.my_key_revoke, name="my_key_revoke"),
    path("office/data/keys/", views.office_keys, name="office_keys"),
    path("office/data/keys/<int:key_id>/revoke", views.office_key_revoke, name="office_key_revoke"),
    path("office/data/", views.office_list, name="office_list"),
    path("office/data/new", views.office_new, name="office_new"),
    path("office/data/<str:name>/edit", views.office_edit, name="office_edit"),
    path("office/data/<str:name>/upload", views.office_upload, name="office_upload"),
]
