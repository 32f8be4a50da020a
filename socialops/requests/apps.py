from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsConfig(AppConfig):
    name = "socialops.requests"
    label = "requests"
    verbose_name = _("Stakeholder requests")
    # Navigation entries (socialops.web.menu.MenuItem), set in ready().
    menu_items: tuple[object, ...] = ()

    def ready(self) -> None:
        from socialops.core.permissions import Action
        from socialops.web.menu import MenuItem

        self.menu_items = (
            MenuItem("requests:request_mine", _("Requests"), Action.SUBMIT_REQUESTS,
                     ("request_mine", "request_new", "request_new_channel", "request_queue",
                      "request_detail", "request_guidelines", "request_guideline_new",
                      "request_guideline", "request_statistics"),
                     order=15, group="publishing"),
        )
