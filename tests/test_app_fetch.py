"""Adding an article from a web address, and what an app that others can reach refuses to fetch.

The only web the tests reach is a small site on loopback (``site``).
"""

from __future__ import annotations

import http.server
import re
import threading
import urllib.request
from typing import ClassVar

import pytest

from ingest.errors import IngestError
from ingest.fetch import NotPublicAddress, PublicHTTPConnection, WebOnlyRedirects, check_url, fetch_draft
from tests.app_support import free_port, isolated_settings
from ui.app import FootnoteApp
from ui.corpus import CorpusTab
from ui.render import md_text


@pytest.fixture
def corpus(served) -> CorpusTab:
    return served.app.corpus_tab


PAGE = """<!doctype html><html><head><title>Herons of the Vell estuary</title>
<script>window.__pwned = 1</script></head><body><nav>Home | About</nav>
<article><h1>Herons of the Vell estuary</h1>
<p>Grey herons returned to the Vell estuary in 2021 after an absence of thirty years, the estuary board says.</p>
<p>The board counts forty nesting pairs on the east bank, most of them in the old alder wood.</p>
</article></body></html>"""


class _Site(http.server.BaseHTTPRequestHandler):
    """A small web site on loopback: the only web the tests can reach."""

    routes: ClassVar = {
        "/herons.html": (200, "text/html; charset=utf-8", PAGE.encode()),
        "/data.bin": (200, "application/octet-stream", bytes(range(256))),
        "/big.html": (200, "text/html", b"<p>" + b"x" * 50_000 + b"</p>"),
    }
    redirects: ClassVar = {"/to-file": "file:///etc/passwd", "/to-ftp": "ftp://127.0.0.1/herons.html"}
    requested: ClassVar[list[str]] = []  # every path asked for, to show that a refused fetch sent nothing

    def do_GET(self):
        self.requested.append(self.path)
        path = self.path.split("?", 1)[0]  # a query tells requests apart in ``requested``
        if path in self.redirects:
            self.send_response(302)
            self.send_header("Location", self.redirects[path])
            self.end_headers()
            return
        status, content_type, body = self.routes.get(path, (404, "text/plain", b"not found"))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if path != "/big.html":  # no length: the limit must hold while reading, too
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_web_page_is_fetched_into_a_draft_and_added(corpus, served, site):
    url = f"{site}/herons.html"

    form = corpus.propose_url(url)

    draft = form["draft"]
    assert form["title"]["value"] == "Herons of the Vell estuary" and form["url"] == url
    assert "forty nesting pairs" in form["preview"]
    assert "__pwned" not in draft.body and "Home | About" not in draft.body
    fields = [form[name] for name in ("author", "published", "publisher", "url")]
    status = corpus.add(draft, form["title"]["value"], *fields)["status"]
    article_id = draft.stem + ".md"
    assert md_text(article_id) in status
    assert served.library.article(article_id).meta.url == url
    served.library.remove(article_id)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("", "please give the address of a web page"),
        ("file:///etc/passwd", "only http:// and https:// web addresses can be fetched"),
        ("javascript:alert(1)", "only http:// and https:// web addresses can be fetched"),
        ("http://reader:secret@127.0.0.1/", "addresses with a user name or password in them are not fetched"),
    ],
)
def test_addresses_that_are_not_web_pages_are_refused(corpus, url, problem):
    with pytest.raises(IngestError, match=problem):
        check_url(url)
    with pytest.warns(UserWarning, match=problem.split(" ")[0]):
        form = corpus.propose_url(url)
    assert form["draft"] is None and md_text(problem) in form["status"]


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("/missing.html", "the server answered 404"),
        ("/data.bin", "not a web page or document"),
        ("/big.html", "the page is over the limit of 10,000 bytes"),
        ("/to-file", "Redirection to url 'file:///etc/passwd' is not allowed"),
        ("/to-ftp", "redirects to an address that is not http or https"),
    ],
)
def test_fetch_failures_are_said_plainly(site, path, problem):
    with pytest.raises(IngestError, match=problem):
        fetch_draft(site + path, max_bytes=10_000, allow_local=True)


def test_an_unreachable_address_is_reported():
    with pytest.raises(IngestError, match="could not reach the page"):
        fetch_draft(f"http://127.0.0.1:{free_port()}/", max_bytes=10_000, timeout=5, allow_local=True)


# --- an app others can reach fetches only public pages -------------------------------------------------


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://localhost/", "localhost resolves to 127.0.0.1, a loopback address (this machine)"),
        ("http://[::1]/", "::1 is a loopback address (this machine)"),
        ("http://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1 is a loopback address (this machine)"),
        ("http://2130706433/", "2130706433 resolves to 127.0.0.1, a loopback address"),  # 127.0.0.1 as a number
        ("http://0.0.0.0/", "0.0.0.0 is the unspecified address (this machine)"),
        ("http://10.1.2.3/", "10.1.2.3 is a private-network address"),
        ("https://192.168.1.1/admin", "192.168.1.1 is a private-network address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://[fe80::1]/", "fe80::1 is a link-local address"),
        ("http://240.0.0.1/", "240.0.0.1 is a reserved address"),
        ("http://100.64.0.1/", "100.64.0.1 is a reserved address"),
    ],
)
def test_local_and_private_addresses_are_not_fetched_for_a_public_app(url, problem):
    with pytest.raises(IngestError) as refused:
        fetch_draft(url, max_bytes=10_000)

    assert refused.value.source == url
    assert refused.value.problem.startswith(f"not fetched: {problem}")
    assert refused.value.problem.endswith("an app that others can reach fetches only pages on the public internet")


def test_a_public_app_refuses_the_loopback_site_before_sending_anything(site):
    url = f"{site}/herons.html?from-a-public-app"

    with pytest.raises(IngestError, match=re.escape("127.0.0.1 is a loopback address")):
        fetch_draft(url, max_bytes=10_000)

    assert "/herons.html?from-a-public-app" not in _Site.requested
    assert fetch_draft(url, max_bytes=10_000, allow_local=True).meta.title == "Herons of the Vell estuary"


def test_a_redirect_to_a_private_address_is_refused_for_a_public_app():
    request = urllib.request.Request("https://news.example/story")

    with pytest.raises(
        NotPublicAddress, match=re.escape("redirects to http://10.1.2.3/admin, and 10.1.2.3 is a private")
    ):
        WebOnlyRedirects(allow_local=False).redirect_request(request, None, 302, "Found", {}, "http://10.1.2.3/admin")
    followed = WebOnlyRedirects(allow_local=True).redirect_request(request, None, 302, "Found", {}, "http://10.1.2.3/")
    assert followed.full_url == "http://10.1.2.3/"


def test_a_name_that_turns_local_after_the_check_is_caught_at_connect(site):
    """DNS rebinding: the name passed the check, then resolved to this machine when connecting."""
    port = int(site.rsplit(":", 1)[1])
    connection = PublicHTTPConnection("127.0.0.1", port, timeout=5)

    with pytest.raises(NotPublicAddress, match=re.escape("answered from 127.0.0.1, a loopback address")):
        connection.request("GET", "/herons.html?after-rebinding")

    assert "/herons.html?after-rebinding" not in _Site.requested


@pytest.mark.parametrize(
    "exposure",
    [
        {"allow_public": True},
        {"host": "0.0.0.0", "auth_username": "reader", "auth_password": "pw"},
    ],
    ids=["allow-public", "password-on-all-interfaces"],
)
def test_an_app_others_can_reach_does_not_fetch_local_pages(served, site, tmp_path, exposure):
    settings = isolated_settings(tmp_path, corpus_dir=served.settings.corpus_dir, **exposure)
    public_app = FootnoteApp(settings, served.library, served.app.assistant)

    with pytest.warns(UserWarning, match="not fetched"):
        form = public_app.corpus_tab.propose_url(f"{site}/herons.html")

    assert form["draft"] is None
    assert md_text("not fetched: 127.0.0.1 is a loopback address (this machine)") in form["status"]
    assert served.app.corpus_tab.propose_url(f"{site}/herons.html")["draft"] is not None  # the local app fetches it
