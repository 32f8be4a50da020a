"""The Celery application: jobs run by `socialops worker` and scheduled by `socialops beat`."""

from __future__ import annotations

import os

from celery import Celery

from socialops import filesystem_broker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialops.settings")
filesystem_broker.install()

app = Celery("socialops")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
