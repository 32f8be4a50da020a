from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "socialops.publishing"
    label = "publishing"
    verbose_name = _("Publishing")
    # Navigation entries (socialops.web.menu.MenuItem), added when the pages exist.
    menu_items: tuple[object, ...] = ()
