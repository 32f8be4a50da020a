"""The password sign-in form, refusing people whose organization requires single sign-on."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from socialops.sso.services import password_refused


class PasswordSignInForm(AuthenticationForm):
    """Django's sign-in form; a right password is still refused where SSO is required."""

    sso_required = False

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if password_refused(user):
            self.sso_required = True
            raise ValidationError(
                _("Your organization requires single sign-on."), code="sso_required"
            )
