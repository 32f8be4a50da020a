"""URL map: the web interface, the API, language switching."""

from django.urls import include, path

from socialops.api import api
from socialops.inbox import webhooks

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("publishing/", include("socialops.publishing.urls")),
    path("inbox/", include("socialops.inbox.urls")),
    path("hooks/<str:network>/", webhooks.receive, name="webhook"),
    path("listening/", include("socialops.listening.urls")),
    path("crisis/", include("socialops.crisis.urls")),
    path("analytics/", include("socialops.analytics.urls")),
    path("team/", include("socialops.team.urls")),
    path("requests/", include("socialops.requests.urls")),
    path("sso/", include("socialops.sso.urls")),
    path("", include("socialops.web.urls")),
]
