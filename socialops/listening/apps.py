from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListeningConfig(AppConfig):
    name = "socialops.listening"
    label = "listening"
    verbose_name = _("Listening")
    # Navigation entries (socialops.web.menu.MenuItem), set in ready().
    menu_items: tuple[object, ...] = ()

    def ready(self) -> None:
        from socialops.core.permissions import Action
        from socialops.web.menu import MenuItem

        self.menu_items = (
            MenuItem("listening:mentions", _("Listening"), Action.VIEW_LISTENING,
                     ("mentions", "query", "query_create", "query_edit", "alerts", "alert",
                      "webhooks"), order=50),
        )
