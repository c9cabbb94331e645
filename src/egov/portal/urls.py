from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from egov.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("my/", views.mypage, name="mypage"),
    path("my/notifications/", views.notification_inbox, name="notifications"),
    path("my/notifications/<int:notification_id>/", views.notification_open, name="notification_open"),
    path("my/notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("my/notifications/settings/", views.notification_preferences, name="notification_preferences"),
    path("search/", views.site_search, name="search"),
    path("addresses/", views.address_search, name="address_search"),
    path("policies/<slug:name>/", views.policy, name="policy"),
    # Browsers and bookmarks ask for /favicon.ico whatever the page links: KRDS's own icon.
    path(
        "favicon.ico",
        RedirectView.as_view(url=static("krds/img/component/favicon/favicon-32x32.png"), permanent=True),
        name="favicon",
    ),
]
