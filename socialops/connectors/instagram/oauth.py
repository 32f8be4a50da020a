"""Connect an Instagram professional account through the Facebook Page it is linked to.

Same login as Facebook Pages (`socialops.connectors.facebook.oauth`) with Instagram's
permissions; the picker lists the person's Pages and, for each, the Instagram account
linked to it (`instagram_business_account`). A Page without one is shown greyed out.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from socialops.connectors.facebook import oauth as facebook
from socialops.connectors.http import HttpClient
from socialops.connectors.oauth import AccountChoice, OAuthClient, Pkce

SCOPES = ("instagram_basic", "instagram_content_publish", "instagram_manage_comments",
          "instagram_manage_insights", "instagram_manage_messages", "pages_show_list",
          "pages_read_engagement", "pages_manage_metadata", "business_management")
PAGE_FIELDS = ("id,name,access_token,tasks,"
               "instagram_business_account{id,username,name,followers_count}")


class InstagramFlow:
    """Connect-a-channel (account picker) for Instagram (see socialops.connectors.oauth)."""

    network = "instagram"
    uses_pkce = False

    def authorize_url(self, client: OAuthClient, redirect_uri: str, state: str,
                      pkce: Pkce | None) -> str:
        return facebook.authorize_url(client, redirect_uri, state, SCOPES)

    def exchange_code(self, http: HttpClient, client: OAuthClient, redirect_uri: str, code: str,
                      pkce: Pkce | None) -> dict[str, str]:
        return facebook.exchange_code(http, client, redirect_uri, code)

    def accounts(self, http: HttpClient, client: OAuthClient,
                 credentials: dict[str, str]) -> list[AccountChoice]:
        choices = []
        for page in facebook.managed_pages(http, client, credentials, PAGE_FIELDS):
            account = page.get("instagram_business_account") or {}
            stored = facebook.page_credentials(client, page)
            if not account:
                choices.append(AccountChoice(
                    remote_id=f"page:{page['id']}", handle=str(page.get("name") or page["id"]),
                    display_name=str(page.get("name") or page["id"]), credentials={},
                    unavailable_reason=_("No Instagram professional account is linked to "
                                         "this Facebook Page.")))
                continue
            choices.append(AccountChoice(
                remote_id=str(account["id"]), handle=str(account.get("username") or account["id"]),
                display_name=str(account.get("name") or account.get("username") or ""),
                credentials={**stored, "ig_user_id": str(account["id"])},
                followers=account.get("followers_count")))
        return choices

    def refresh(self, http: HttpClient, client: OAuthClient,
                credentials: dict[str, str]) -> dict[str, str] | None:
        # The Page token behind the account has no expiry (see the Facebook flow).
        return None


FLOW = InstagramFlow()
