"""The web API and dashboard (``cistrade serve``): :func:`create_app` builds the FastAPI app."""

from cistrade.web.app import create_app

__all__ = ["create_app"]
