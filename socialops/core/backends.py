"""The authentication backend: Django's, loading the session fence with the user."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_totp.models import TOTPDevice


class SessionFenceBackend(ModelBackend):
    """Load a signed-in user with their session fence and two-factor state, in one query."""

    def get_user(self, user_id: Any) -> Any:
        user_model = get_user_model()
        user = (
            user_model._default_manager.select_related("session_fence")
            .annotate(socialops_has_2fa=Exists(
                TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
            ))
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
