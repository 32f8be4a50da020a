"""REST endpoints of the team app, with the same permissions as the pages."""

from ninja import Router

router = Router(tags=["team"])
