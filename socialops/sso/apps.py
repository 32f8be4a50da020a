from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    name = "socialops.sso"
    label = "sso"
    verbose_name = _("Single sign-on")

    def ready(self) -> None:
        # Key rotation re-encrypts the client secrets with the channel credentials.
        from socialops.governance import vault
        from socialops.sso import services

        vault.register_secret_store(vault.SecretStore(
            name="sso", ciphertexts=services.stored_ciphertexts,
            reencrypt=services.reencrypt_client_secrets))
