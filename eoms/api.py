"""The REST API: /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs)."""

from ninja import NinjaAPI

from eoms.accounts.api import router as accounts_router
from eoms.accounts.auth import api_auth
from eoms.core.api import install_error_handlers
from eoms.fieldwork.api import router as fieldwork_router
from eoms.masterdata.api import router as masterdata_router
from eoms.materials.api import router as materials_router
from eoms.orders.api import router as orders_router
from eoms.quality.api import router as quality_router
from eoms.scheduling.api import router as scheduling_router

api = NinjaAPI(
    title="EOMS API",
    version="1",
    description="Engineering Order Management System. Authenticate with the browser "
    "session or `Authorization: Bearer <token>`. Errors are RFC 9457 problem+json; "
    "updates need `If-Match`; POSTs accept `Idempotency-Key`.",
    auth=api_auth,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)
api.add_router("/accounts", accounts_router)
api.add_router("/masterdata", masterdata_router)
api.add_router("/orders", orders_router)
api.add_router("/scheduling", scheduling_router)
api.add_router("/fieldwork", fieldwork_router)
api.add_router("/materials", materials_router)
api.add_router("/quality", quality_router)
