from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "socialops.analytics"
    label = "analytics"
    verbose_name = _("Analytics")
    # Navigation entries (socialops.web.menu.MenuItem), set in ready().
    menu_items: tuple[object, ...] = ()

    def ready(self) -> None:
        from socialops.core.permissions import Action
        from socialops.web.menu import MenuItem

        self.menu_items = (
            MenuItem("analytics:dashboard", _("Analytics"), Action.VIEW_ANALYTICS,
                     ("dashboard", "export", "reports", "report_create", "report_edit"),
                     order=70),
        )
