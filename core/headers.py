"""Response headers that harden every page and API answer (OWASP ASVS 5.0 §3.4, §14.3).

The Content-Security-Policy allows only the platform's own scripts, styles and images:
pages carry no inline script or style attribute (behaviours are wired by data attributes
in ``static/carematch.js``), so an injected ``<script>`` or ``onerror=`` does not run even
if escaping were ever missed. Charts are server-rendered SVG and need nothing more.
"""

from __future__ import annotations

from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

FIXED_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # for browsers older than frame-ancestors
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def init_app(app: Flask) -> None:
    # Behind HTTPS (the production set-up) the session cookie is sent only over TLS and
    # browsers are told to keep to HTTPS; a plain-HTTP demo on a laptop keeps working.
    https = bool(app.config.get("HTTPS"))
    if https:
        app.config["SESSION_COOKIE_SECURE"] = True

    @app.after_request
    def _security_headers(response: Response) -> Response:
        for name, value in FIXED_HEADERS.items():
            response.headers.setdefault(name, value)
        if https:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        # Pages about people must not stay in a shared computer's browser cache (street
        # offices share terminals); static files may be cached.
        if not (request.endpoint or "").endswith("static"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response
