"""The REST API at /api/v1/ (OpenAPI 3.1 at /api/v1/openapi.json)."""

from __future__ import annotations

from ninja import NinjaAPI

from socialops import __version__
from socialops.core.api import router as core_router
from socialops.core.api_auth import BearerToken, MemberSession, install_error_handlers
from socialops.governance.api import router as governance_router
from socialops.inbox.api import router as inbox_router
from socialops.publishing.api import router as publishing_router

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
