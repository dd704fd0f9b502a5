"""Serving the app: who may reach it, and Gradio's launch with the page's theme and style."""

from __future__ import annotations

import ipaddress
from typing import Any

import gradio as gr

from footnote.settings import Settings
from ui import mcp_tools
from ui.assets import CSS, THEME


def exposure_problem(settings: Settings) -> str | None:
    """Why the app must not start with these settings: reachable from other machines without a password."""
    has_user, has_password = bool(settings.auth_username), bool(settings.auth_password)
    if has_user != has_password:
        return "Set both FOOTNOTE_AUTH_USERNAME and FOOTNOTE_AUTH_PASSWORD, or neither."
    if is_loopback(settings.host) or has_user or settings.allow_public:
        return None
    return (
        f"Refusing to listen on {settings.host} without a password: anyone on the network could read and "
        "change the corpus. Set FOOTNOTE_AUTH_USERNAME and FOOTNOTE_AUTH_PASSWORD, listen on 127.0.0.1, "
        "or set FOOTNOTE_ALLOW_PUBLIC=true if that is really intended."
    )


def serves_others(settings: Settings) -> bool:
    """Whether people on other machines can use the app: then it must not fetch local addresses for them."""
    return settings.allow_public or not is_loopback(settings.host)


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def launch(blocks: gr.Blocks, settings: Settings, **options: Any):
    """Serve the app as settings say; ``options`` (e.g. prevent_thread_lock) go to Gradio's launch."""
    auth = (settings.auth_username, settings.auth_password) if settings.auth_username else None
    return blocks.launch(
        server_name=settings.host,
        server_port=settings.port,
        auth=auth,
        max_file_size=settings.max_file_bytes,
        theme=THEME,
        css=CSS,
        ssr_mode=False,
        footer_links=["api"],
        mcp_server=settings.mcp,  # False, not None: GRADIO_MCP_SERVER cannot turn it on behind our back
        app_kwargs=mcp_tools.server_options(settings) if settings.mcp else None,
        **options,
    )
