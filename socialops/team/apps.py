from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamConfig(AppConfig):
    name = "socialops.team"
    label = "team"
    verbose_name = _("Team")
    # Navigation entries (socialops.web.menu.MenuItem), set in ready().
    menu_items: tuple[object, ...] = ()

    def ready(self) -> None:
        from socialops.core.paging import register_pager
        from socialops.core.permissions import Action
        from socialops.inbox.services.assignment import register_shift_provider
        from socialops.team.inbox_shifts import team_shifts
        from socialops.team.pager import on_page_request
        from socialops.web.menu import MenuItem

        register_pager(on_page_request)
        register_shift_provider(team_shifts)
        self.menu_items = (
            MenuItem("team:oncall", _("Team"), Action.VIEW_TEAM,
                     ("oncall", "pages", "coverage", "workload", "staffing", "role_report",
                      "rotation", "rotation_create", "time_off", "settings", "profile"),
                     order=80),
        )
