"""The authentication backend: Django's, loading the session fence with the user."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class SessionFenceBackend(ModelBackend):
    """Load a signed-in user together with their session fence, in one query."""

    def get_user(self, user_id: Any) -> Any:
        user_model = get_user_model()
        user = (
            user_model._default_manager.select_related("session_fence")
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
