"""REST endpoints of the analytics app, with the same permissions as the pages."""

from ninja import Router

router = Router(tags=["analytics"])
