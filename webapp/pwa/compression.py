"""Gzip for text responses, so the form page fits a weak mobile connection.

Applied in an `after_request` hook when the client accepts gzip and the body is worth it;
streamed responses (CSV exports) and partial ones are left alone.
"""
from __future__ import annotations

import gzip

from flask import Request, Response

MIN_SIZE = 1024
COMPRESSIBLE = {
    "application/json", "application/javascript", "text/javascript", "application/manifest+json",
    "image/svg+xml", "application/xml",
}


def _compressible(mimetype: str | None) -> bool:
    return mimetype is not None and (mimetype.startswith("text/") or mimetype in COMPRESSIBLE)


def accepts_gzip(request: Request) -> bool:
    return "gzip" in request.accept_encodings and request.accept_encodings["gzip"] > 0


def compress(request: Request, response: Response) -> Response:
    """Gzip `response` in place when it is a whole, text-like, large-enough 200."""
    if (
        response.status_code != 200
        or request.method == "HEAD"
        or response.is_streamed and not response.direct_passthrough
        or "Content-Encoding" in response.headers
        or not _compressible(response.mimetype)
    ):
        _vary(response)
        return response
    if not accepts_gzip(request):
        _vary(response)
        return response
    # Static files come as a file wrapper (direct passthrough): read them once here.
    response.direct_passthrough = False
    source = response.response
    body = response.get_data()
    if hasattr(source, "close"):
        source.close()  # the file is read whole: release it now, not at the end of the request
    if len(body) < MIN_SIZE:
        _vary(response)
        return response
    response.set_data(gzip.compress(body, compresslevel=6, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    response.headers.pop("Accept-Ranges", None)
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(etag, weak=True)  # the bytes differ from the uncompressed file
    _vary(response)
    return response


def _vary(response: Response) -> None:
    response.vary.add("Accept-Encoding")
