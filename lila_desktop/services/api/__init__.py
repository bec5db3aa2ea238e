"""The local HTTP API (PRODUCT.md §5): loopback only, lila-app compatible."""

from lila_desktop.services.api.api_key import ApiKey, ApiKeyError, obtain_api_key
from lila_desktop.services.api.server import ApiServer, ApiStartError, build_app, start_api

__all__ = [
    "ApiKey",
    "ApiKeyError",
    "ApiServer",
    "ApiStartError",
    "build_app",
    "obtain_api_key",
    "start_api",
]
