from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrisisConfig(AppConfig):
    name = "socialops.crisis"
    label = "crisis"
    verbose_name = _("Crisis response")
    # Navigation entries (socialops.web.menu.MenuItem), set in ready().
    menu_items: tuple[object, ...] = ()

    def ready(self) -> None:
        from socialops.core.permissions import Action
        from socialops.web.menu import MenuItem

        self.menu_items = (
            MenuItem("crisis:incidents", _("Incidents"), Action.VIEW_INCIDENTS,
                     ("incidents", "incident", "held", "playbooks", "report"), order=55),
        )
