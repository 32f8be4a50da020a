from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "socialops.core"
    label = "core"
    verbose_name = _("Organizations and audit")

    def ready(self) -> None:
        # Make the project's Celery app the current one in every process that
        # loads Django, so `task.delay()` from a web request uses our broker.
        from socialops.celery import app

        app.set_default()
