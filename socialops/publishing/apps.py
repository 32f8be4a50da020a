from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "socialops.publishing"
    label = "publishing"
    verbose_name = _("Publishing")
    # Navigation entries (socialops.web.menu.MenuItem), set in ready() because the
    # permissions module imports models, which cannot load before the app registry.
    menu_items: tuple[object, ...] = ()

    def ready(self) -> None:
        from socialops.core.permissions import Action
        from socialops.governance.offboarding import register_offboarding_handler
        from socialops.publishing.offboarding import reassign_drafts
        from socialops.web.menu import MenuItem

        register_offboarding_handler("publishing.drafts", reassign_drafts)
        self.menu_items = (
            MenuItem("publishing:posts", _("Posts"), Action.VIEW_POSTS,
                     ("posts", "post", "compose", "import", "approval_policies",
                      "approval_policy", "approval_policy_new"), order=10, group="publishing"),
            MenuItem("publishing:calendar", _("Calendar"), Action.VIEW_POSTS, ("calendar",),
                     order=20, group="publishing"),
            MenuItem("publishing:campaigns", _("Campaigns"), Action.VIEW_POSTS,
                     ("campaigns", "campaign"), order=22, group="publishing"),
            MenuItem("publishing:reliability", _("Reliability"), Action.VIEW_POSTS,
                     ("reliability",), order=25, group="publishing"),
            MenuItem("publishing:pause", _("Pause"), Action.VIEW_POSTS, ("pause", "resume"),
                     order=30, group="publishing"),
        )
