"""Print a new key for SOCIALOPS_SECRET_KEYS (credential encryption)."""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print a new credential-encryption key; put it first in SOCIALOPS_SECRET_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(Fernet.generate_key().decode())
