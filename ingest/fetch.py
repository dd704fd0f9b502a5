"""Add an article by URL: download one page and turn it into a Draft, like an uploaded file.

The download is bounded (timeout, byte limit, http/https only, also across redirects) because
the URL comes from whoever uses the app, and a page that never ends must not fill the memory.
What comes back goes through ``read_document``, so a fetched page is read exactly like an
uploaded one: the same converters, the same refusals.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from ingest.errors import IngestError
from ingest.library import slugify
from ingest.load import Draft, read_document

TIMEOUT_SECONDS = 20.0
_CHUNK = 64 * 1024
_SUFFIX_OF_TYPE = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}
_USER_AGENT = "Footnote/0.1 (adds one article to a local corpus)"


class _WebOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """urllib would also follow a redirect to ftp:; only http and https pages are fetched."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme not in ("http", "https"):
            raise IngestError(newurl, "the page redirects to an address that is not http or https")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_draft(url: str, max_bytes: int, timeout: float = TIMEOUT_SECONDS) -> Draft:
    """Fetch ``url`` and propose it as an article, with ``meta.url`` set to the address read."""
    url = check_url(url)
    final_url, content_type, charset, data = _download(url, max_bytes, timeout)
    suffix = _SUFFIX_OF_TYPE.get(content_type)
    if suffix is None:
        raise IngestError(url, f"not a web page or document (the server sent {content_type or 'no type'})")
    if charset and suffix in (".html", ".txt", ".md"):
        data = _as_utf8(data, charset)
    name = _page_name(final_url)
    draft = read_document(name + suffix, data, max_bytes)
    draft.meta.url = final_url
    draft.stem = slugify(draft.meta.title or name)
    return draft


def check_url(url: str) -> str:
    """The URL stripped, or a plain-words refusal: only absolute http(s) addresses are fetched."""
    url = (url or "").strip()
    if not url:
        raise IngestError("URL", "please give the address of a web page")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise IngestError(url, "only http:// and https:// web addresses can be fetched")
    if parts.username or parts.password:
        raise IngestError(url, "addresses with a user name or password in them are not fetched")
    return url


def _download(url: str, max_bytes: int, timeout: float) -> tuple[str, str, str, bytes]:
    opener = urllib.request.build_opener(_WebOnlyRedirects)
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT, "Accept": "text/html,*/*;q=0.5"})
    try:
        with opener.open(request, timeout=timeout) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise _too_big(url, max_bytes)
            data = _read_at_most(response, max_bytes, url)
            content_type = response.headers.get_content_type().lower()
            charset = response.headers.get_content_charset() or ""
            return response.geturl(), content_type, charset, data
    except urllib.error.HTTPError as exc:
        raise IngestError(url, f"the server answered {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise IngestError(url, f"could not reach the page ({exc.reason})") from None
    except TimeoutError:
        raise IngestError(url, f"no answer within {timeout:g} seconds") from None
    except OSError as exc:  # connection reset, bad status line, ...
        raise IngestError(url, f"the download failed ({exc})") from None


def _read_at_most(response, max_bytes: int, url: str) -> bytes:
    """Read in chunks and stop past the limit: Content-Length may be missing or wrong."""
    chunks, size = [], 0
    while chunk := response.read(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise _too_big(url, max_bytes)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_big(url: str, max_bytes: int) -> IngestError:
    return IngestError(url, f"the page is over the limit of {max_bytes:,} bytes")


def _as_utf8(data: bytes, charset: str) -> bytes:
    """Honour the charset the server declared; if it lies, leave the bytes to the usual detection."""
    try:
        return data.decode(charset).encode("utf-8")
    except (LookupError, UnicodeDecodeError):
        return data


def _page_name(url: str) -> str:
    parts = urlsplit(url)
    return slugify(PurePosixPath(parts.path).stem or parts.hostname or "page")
