"""Jobs of the analytics app: collect metrics from the networks. Each is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from socialops.analytics.collection import collect_channel, due_channels


@shared_task
def collect_due_metrics() -> int:
    """Queue one collection per active channel that is due (beat runs this)."""
    ids = due_channels()
    for channel_id in ids:
        collect_channel_metrics.delay(channel_id)
    return len(ids)


@shared_task
def collect_channel_metrics(channel_id: int) -> int:
    """Collect one channel's daily and post metrics; return how many days were stored."""
    return collect_channel(channel_id).days


@shared_task
def run_due_reports() -> int:
    """Generate and send every scheduled report whose time has come (beat runs this)."""
    from socialops.analytics.reports import due_reports, run_scheduled

    return sum(run_scheduled(report_id) is not None for report_id in due_reports())
