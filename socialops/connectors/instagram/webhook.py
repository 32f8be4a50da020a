"""Instagram notifications come through Meta's webhooks: the Facebook module reads them.

Meta sends `object: instagram` notifications (comments, mentions, DMs) signed like the
Page ones; `socialops.connectors.facebook.webhook.parse` routes them by account id.
"""

from socialops.connectors.facebook.webhook import (
    NETWORKS,
    SECRET_SETTING,
    SIGNATURE_HEADER,
    VERIFY_TOKEN_SETTING,
    follow_ups,
    parse,
    verify_signature,
)

__all__ = ["NETWORKS", "SECRET_SETTING", "SIGNATURE_HEADER", "VERIFY_TOKEN_SETTING",
           "follow_ups", "parse", "verify_signature"]
