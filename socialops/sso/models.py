"""An organization's single sign-on configuration (one OpenID Connect provider)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from socialops.core.models import Organization, Role

# Roles a person may receive on their first single sign-on: never owner or administrator,
# which only a person can grant.
JIT_ROLES = [
    (role.value, role.label) for role in Role if role not in (Role.OWNER, Role.ADMIN)
]


class SsoConfiguration(models.Model):
    """How the members of one organization sign in with its identity provider."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="sso_configuration"
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    issuer = models.URLField(_("issuer URL"), max_length=300)
    client_id = models.CharField(_("client ID"), max_length=200)
    # The client secret, encrypted with the credential vault (governance.vault); never shown.
    secret_ciphertext = models.TextField(blank=True, default="")
    # Lower-case domains, one per line: only these e-mail addresses may sign in.
    allowed_domains = models.TextField(_("allowed e-mail domains"))
    default_role = models.CharField(
        _("role of new members"), max_length=20, choices=JIT_ROLES, default=Role.CONTRIBUTOR
    )
    required = models.BooleanField(_("single sign-on required"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("single sign-on configuration")
        verbose_name_plural = _("single sign-on configurations")

    def __str__(self) -> str:
        return f"SSO of {self.organization_id} with {self.issuer}"

    def __repr__(self) -> str:
        return f"<SsoConfiguration organization={self.organization_id} issuer={self.issuer!r}>"

    @property
    def domains(self) -> list[str]:
        """Return the allowed e-mail domains."""
        return [line.strip() for line in self.allowed_domains.splitlines() if line.strip()]
