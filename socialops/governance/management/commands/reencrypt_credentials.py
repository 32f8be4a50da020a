"""Re-encrypt every channel credential with the newest key (after adding a key)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from socialops.core.actors import Actor


class Command(BaseCommand):
    help = "Re-encrypt all channel credentials with the first key of SOCIALOPS_SECRET_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        from socialops.governance.services import reencrypt_all_credentials

        count = reencrypt_all_credentials(Actor.system("key-rotation"))
        self.stdout.write(f"{count} credential(s) re-encrypted")
