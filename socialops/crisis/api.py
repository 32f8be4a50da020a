"""REST endpoints of the crisis app, with the same permissions as the pages."""

from ninja import Router

router = Router(tags=["crisis"])
