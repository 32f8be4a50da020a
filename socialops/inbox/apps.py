from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    name = "socialops.inbox"
    label = "inbox"
    verbose_name = _("Community inbox")
    # Navigation entries (socialops.web.menu.MenuItem), set in ready(): the permissions
    # module imports models, which cannot load while the app registry is being built.
    menu_items: tuple[object, ...] = ()

    def ready(self) -> None:
        from socialops.core.permissions import Action
        from socialops.governance.offboarding import register_offboarding_handler
        from socialops.inbox.offboarding import reassign_conversations
        from socialops.web.menu import MenuItem

        register_offboarding_handler("inbox.conversations", reassign_conversations)
        self.menu_items = (
            MenuItem("inbox:conversations", _("Inbox"), Action.VIEW_INBOX,
                     ("conversations", "conversation", "saved_replies", "saved_reply_create",
                      "saved_reply_edit", "response_times", "report", "rules", "rule_create",
                      "rule_edit", "assignment"), order=40),
        )
