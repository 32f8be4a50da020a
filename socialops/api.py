"""The REST API at /api/v1/ (OpenAPI 3.1 at /api/v1/openapi.json)."""

from __future__ import annotations

from ninja import NinjaAPI

from socialops import __version__
from socialops.analytics.api import router as analytics_router
from socialops.core.api import router as core_router
from socialops.core.api_auth import BearerToken, MemberSession, install_error_handlers
from socialops.crisis.api import router as crisis_router
from socialops.governance.api import router as governance_router
from socialops.inbox.api import router as inbox_router
from socialops.listening.api import router as listening_router
from socialops.publishing.api import router as publishing_router
from socialops.team.api import router as team_router

api = NinjaAPI(
    title="socialops API",
    version=__version__,
    description="Bearer tokens (`socialops token create`) or the signed-in session.",
    auth=[BearerToken(), MemberSession()],
    urls_namespace="api",
    docs_url="/docs",
)
install_error_handlers(api)
api.add_router("/", core_router)
api.add_router("/", governance_router)
api.add_router("/", publishing_router)
api.add_router("/", inbox_router)
api.add_router("/", listening_router)
api.add_router("/", crisis_router)
api.add_router("/", analytics_router)
api.add_router("/", team_router)
