from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    name = "socialops.inbox"
    label = "inbox"
    verbose_name = _("Community inbox")
    # Navigation entries (socialops.web.menu.MenuItem), added when the pages exist.
    menu_items: tuple[object, ...] = ()
