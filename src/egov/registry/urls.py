from django.urls import path

from egov.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.home, name="home"),
    path("residents/", views.resident_search, name="resident_search"),
    path("residents/<int:resident_id>/", views.resident_detail, name="resident"),
    path("residents/<int:resident_id>/correct/", views.resident_correct, name="resident_correct"),
    path("residents/<int:resident_id>/move/", views.resident_move, name="resident_move"),
    path("residents/<int:resident_id>/death/", views.resident_death, name="resident_death"),
    path("residents/<int:resident_id>/marriage/", views.resident_marriage, name="resident_marriage"),
    path("residents/<int:resident_id>/divorce/", views.resident_divorce, name="resident_divorce"),
    path("residents/<int:resident_id>/parent/", views.resident_parent, name="resident_parent"),
    path("residents/<int:resident_id>/birth/", views.resident_birth, name="resident_birth"),
    path("residents/<int:resident_id>/reveal/", views.resident_reveal, name="resident_reveal"),
    path(
        "residents/<int:resident_id>/enrolment-code/",
        views.resident_enrolment_code,
        name="resident_enrolment_code",
    ),
    path("households/<int:household_id>/", views.household_detail, name="household"),
    path("businesses/", views.business_search, name="business_search"),
    path("businesses/<int:business_id>/", views.business_detail, name="business"),
    path("businesses/<int:business_id>/correct/", views.business_correct, name="business_correct"),
    path("businesses/<int:business_id>/status/", views.business_status, name="business_status"),
    path("vehicles/", views.vehicle_search, name="vehicle_search"),
    path("vehicles/<int:vehicle_id>/", views.vehicle_detail, name="vehicle"),
    path("vehicles/<int:vehicle_id>/transfer/", views.vehicle_transfer, name="vehicle_transfer"),
    path("vehicles/<int:vehicle_id>/correct/", views.vehicle_correct, name="vehicle_correct"),
]
