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
    path("office/data/", views.office_list, name="office_list"),
    path("office/data/<str:name>/edit", views.office_edit, name="office_edit"),
]
