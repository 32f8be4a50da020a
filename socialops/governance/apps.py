from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "socialops.governance"
    label = "governance"
    verbose_name = _("Governance")

    def ready(self) -> None:
        # Key rotation re-encrypts the client secrets of registered OAuth applications.
        from socialops.governance import oauth_apps, vault

        vault.register_secret_store(vault.SecretStore(
            name="oauth_applications", ciphertexts=oauth_apps.ciphertexts,
            reencrypt=oauth_apps.reencrypt))
