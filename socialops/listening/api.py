"""REST endpoints of the listening app, with the same permissions as the pages."""

from ninja import Router

router = Router(tags=["listening"])
