"""Add an article by URL: download one page and turn it into a Draft, like an uploaded file.

The download is bounded (timeout, byte limit, http/https only, also across redirects) because
the URL comes from whoever uses the app, and a page that never ends must not fill the memory.
What comes back goes through ``read_document``, so a fetched page is read exactly like an
uploaded one: the same converters, the same refusals.

An app that others can reach must not become their way into this machine or its network
(server-side request forgery): unless ``allow_local`` is set, every address a fetch would
connect to, the first one and each redirect's, must be a public one. Names are resolved and
checked before connecting, and the address actually connected to is checked again, so a name
whose DNS answer changes in between (DNS rebinding) gains nothing.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
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


_PUBLIC_ONLY = "an app that others can reach fetches only pages on the public internet"


class NotPublicAddress(Exception):
    """Raised deep inside urllib (connect, redirect); _download turns it into an IngestError naming the URL."""


class WebOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """urllib would also follow a redirect to ftp:, or to this machine; only allowed pages are fetched."""

    def __init__(self, allow_local: bool = True):
        super().__init__()
        self.allow_local = allow_local

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme not in ("http", "https"):
            raise IngestError(newurl, "the page redirects to an address that is not http or https")
        if not self.allow_local:
            host = urlsplit(newurl).hostname or ""
            try:
                problem = address_problem(host, resolved_addresses(host))
            except OSError as exc:
                raise urllib.error.URLError(exc) from None
            if problem:
                raise NotPublicAddress(f"it redirects to {newurl}, and {problem}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_draft(url: str, max_bytes: int, timeout: float = TIMEOUT_SECONDS, *, allow_local: bool = False) -> Draft:
    """Fetch ``url`` and propose it as an article, with ``meta.url`` set to the address read.

    ``allow_local`` lets the page be on this machine or its private network: right for an app
    only this machine can use (and for the tests' loopback site), wrong for one others reach.
    """
    url = check_url(url)
    if not allow_local:
        check_public(url)
    final_url, content_type, charset, data = _download(url, max_bytes, timeout, allow_local)
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


def check_public(url: str) -> None:
    """Refuse, naming the URL and the reason, a URL whose host is or resolves to a non-public address."""
    host = urlsplit(url).hostname or ""
    try:
        addresses = resolved_addresses(host)
    except OSError as exc:
        raise IngestError(url, f"could not reach the page ({exc})") from None
    problem = address_problem(host, addresses)
    if problem:
        raise IngestError(url, f"not fetched: {problem}; {_PUBLIC_ONLY}")


def resolved_addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """Every address the name resolves to: one bad answer among good ones is enough to refuse."""
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(info[4][0]) for info in infos]


def address_problem(host: str, addresses: list) -> str | None:
    """Why these addresses of ``host`` are not public, in words, or None when they all are."""
    for address in addresses:
        kind = _non_public_kind(address)
        if kind:
            return f"{host} is {kind}" if _is_literal(host, address) else f"{host} resolves to {address}, {kind}"
    return None


def _is_literal(host: str, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    try:
        return ipaddress.ip_address(host) == address
    except ValueError:
        return False


def _non_public_kind(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    # ::ffff:127.0.0.1 reaches 127.0.0.1, but Python 3.11 does not call it loopback.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.is_loopback:
        return "a loopback address (this machine)"
    if address.is_unspecified:
        return "the unspecified address (this machine)"
    if address.is_link_local:
        return "a link-local address (cloud metadata services live there)"
    if address.is_multicast or address.is_reserved:
        return "a reserved address, not a public one"
    if address.is_private:
        return "a private-network address"
    if not address.is_global:
        return "a reserved address, not a public one"
    return None


class PublicHTTPConnection(http.client.HTTPConnection):
    """Checks the address really connected to, before TLS or any request: DNS may have changed."""

    def connect(self):
        super().connect()
        if self._tunnel_host:  # through a proxy, which resolves the name: checked before connecting
            return
        peer = ipaddress.ip_address(self.sock.getpeername()[0].split("%")[0])
        kind = _non_public_kind(peer)
        if kind:
            self.sock.close()
            raise NotPublicAddress(f"{self.host} answered from {peer}, {kind}")


class PublicHTTPSConnection(http.client.HTTPSConnection, PublicHTTPConnection):
    """HTTPSConnection.connect calls the checked plain connect above first, then sets up TLS."""


class _PublicHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        # Through a proxy, plain http connects to the proxy itself, whatever its address.
        return self.do_open(http.client.HTTPConnection if req.has_proxy() else PublicHTTPConnection, req)


class _PublicHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(PublicHTTPSConnection, req, context=self._context)


def _opener(allow_local: bool) -> urllib.request.OpenerDirector:
    handlers = [WebOnlyRedirects(allow_local)]
    if not allow_local:
        handlers += [_PublicHTTPHandler(), _PublicHTTPSHandler()]
    return urllib.request.build_opener(*handlers)


def _download(url: str, max_bytes: int, timeout: float, allow_local: bool) -> tuple[str, str, str, bytes]:
    opener = _opener(allow_local)
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
    except NotPublicAddress as exc:
        raise IngestError(url, f"not fetched: {exc}; {_PUBLIC_ONLY}") from None
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
