"""Write docs/permissions.md from the role table in socialops.core.permissions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from socialops.core.permissions import permissions_table


class Command(BaseCommand):
    help = "Regenerate docs/permissions.md from the code."

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(settings.BASE_DIR).parent / "docs" / "permissions.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(permissions_table(), encoding="utf-8")
        self.stdout.write(f"wrote {path}")
