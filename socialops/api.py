"""The REST API at /api/v1/ (OpenAPI 3.1 at /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from socialops import __version__
from socialops.analytics.api import router as analytics_router
from socialops.core.api import router as core_router
from socialops.core.api_auth import (
    BearerToken,
    MemberSession,
    document_error_responses,
    install_error_handlers,
)
from socialops.core.api_throttle import MemberRateThrottle
from socialops.crisis.api import router as crisis_router
from socialops.governance.api import router as governance_router
from socialops.inbox.api import router as inbox_router
from socialops.listening.api import router as listening_router
from socialops.publishing.api import router as publishing_router
from socialops.requests.api import router as requests_router
from socialops.team.api import router as team_router


class SocialopsApi(NinjaAPI):
    """The API, whose schema also declares the error answers every operation may give."""

    def get_openapi_schema(self, **kwargs: Any) -> OpenAPISchema:
        schema = super().get_openapi_schema(**kwargs)
        document_error_responses(schema)
        return schema


api = SocialopsApi(
    title="socialops API",
    version=__version__,
    description="Bearer tokens (`socialops token create`) or the signed-in session.",
    auth=[BearerToken(), MemberSession()],
    urls_namespace="api",
    docs_url="/docs",
    throttle=[MemberRateThrottle()],
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
api.add_router("/", requests_router)
