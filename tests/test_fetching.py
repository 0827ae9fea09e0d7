"""The guarded fetcher against real web servers on this machine (pytest-httpserver): what it
refuses (addresses, ports, schemes, robots.txt), what it caps (size, time, redirections),
and TLS checked against the name it was given while connecting to the address it checked."""

import ssl
import subprocess
import threading
import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from diagnostics import fetching
from diagnostics.fetching import Fetcher, FetchFailed, Reason

PRIVATE_TARGETS = [
    "http://127.0.0.1/",
    "http://10.0.0.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/",
]


@pytest.fixture(autouse=True)
def _not_found(httpserver):
    """What a test did not serve is a 404, as on a real site (not the library's 500)."""
    httpserver.no_handler_status_code = 404


def at(server, path: str) -> str:
    """The server's address by IP: « localhost » may resolve to ::1 first."""
    return f"http://127.0.0.1:{server.port}{path}"


@pytest.fixture
def loopback(settings):
    settings.SNUT_FETCH_ALLOW_LOOPBACK = True
    settings.SNUT_FETCH_TIMEOUT = 2.0
    return settings


def reason_of(url: str) -> Reason:
    with pytest.raises(FetchFailed) as failed:
        Fetcher().get(url)
    return failed.value.reason


def test_it_reads_a_page_and_names_itself(httpserver, loopback):
    loopback.SNUT_NETWORK_CONTACT = "numerique@reseau-ot.example.org"
    httpserver.expect_request("/").respond_with_data("<p>Bonjour</p>", content_type="text/html")
    page = Fetcher().get(at(httpserver, "/"))
    assert page.status == 200 and page.content == b"<p>Bonjour</p>"
    request = httpserver.log[-1][0]
    assert "SNUT" in request.headers["User-Agent"]
    assert "numerique@reseau-ot.example.org" in request.headers["User-Agent"]


@pytest.mark.parametrize("url", PRIVATE_TARGETS)
def test_non_public_addresses_are_refused_before_any_connection(url, settings):
    assert not settings.SNUT_FETCH_ALLOW_LOOPBACK
    assert reason_of(url) == Reason.PRIVATE


def test_the_test_server_itself_is_refused_without_the_test_setting(httpserver, settings):
    httpserver.expect_request("/").respond_with_data("secret")
    assert reason_of(at(httpserver, "/")) == Reason.PRIVATE
    assert httpserver.log == []


@pytest.mark.parametrize(
    "answers",
    [["10.0.0.1"], ["169.254.169.254"], ["127.0.0.1"], ["::1"], ["::ffff:10.0.0.1"]],
)
def test_a_name_that_resolves_to_a_non_public_address_is_refused(monkeypatch, settings, answers):
    monkeypatch.setattr(fetching, "resolve", lambda host, port: answers)
    assert reason_of("https://www.gite-des-lilas.fr/") == Reason.PRIVATE


def test_one_non_public_answer_among_public_ones_refuses_the_name(monkeypatch, loopback):
    """A name answering a public address and a private one could be connected to either."""
    monkeypatch.setattr(fetching, "resolve", lambda host, port: ["127.0.0.1", "10.0.0.1"])
    assert reason_of("http://www.gite-des-lilas.fr/") == Reason.PRIVATE


def test_it_connects_to_the_address_it_checked_with_the_name_in_host(
    httpserver, loopback, monkeypatch
):
    """The resolver is asked once per request, and the connection goes to what it answered:
    a second, different answer (DNS rebinding) is never used."""
    answers = iter([["127.0.0.1"], ["127.0.0.1"], ["10.0.0.1"]])
    calls = []

    def resolve(host, port):
        calls.append(host)
        return next(answers)

    monkeypatch.setattr(fetching, "resolve", resolve)
    httpserver.expect_request("/").respond_with_data("ok")
    url = f"http://www.gite-des-lilas.test:{httpserver.port}/"
    page = Fetcher().get(url)
    assert page.content == b"ok" and calls == ["www.gite-des-lilas.test"] * 2  # robots.txt, page
    assert httpserver.log[-1][0].headers["Host"] == f"www.gite-des-lilas.test:{httpserver.port}"


@pytest.mark.parametrize("target", ["http://10.0.0.1/", "http://169.254.169.254/latest/"])
def test_a_redirect_to_a_private_address_is_refused(httpserver, loopback, target):
    httpserver.expect_request("/").respond_with_data("", status=302, headers={"Location": target})
    assert reason_of(at(httpserver, "/")) == Reason.PRIVATE


@pytest.mark.parametrize("host", ["127.0.0.1", "[::1]"])
def test_a_redirect_to_loopback_is_refused_once_the_test_setting_is_off(httpserver, loopback, host):
    """The first request is let through; the server turns the setting off as it redirects:
    the redirection is checked like a first request, and refused."""

    def redirect(request):
        loopback.SNUT_FETCH_ALLOW_LOOPBACK = False
        return Response("", status=301, headers={"Location": f"http://{host}/admin/"})

    httpserver.expect_request("/").respond_with_handler(redirect)
    assert reason_of(at(httpserver, "/")) == Reason.PRIVATE


def test_redirect_loops_stop_after_five(httpserver, loopback):
    httpserver.expect_request("/boucle").respond_with_data(
        "", status=302, headers={"Location": "/boucle"}
    )
    assert reason_of(at(httpserver, "/boucle")) == Reason.REDIRECTS
    assert sum(1 for r, _ in httpserver.log if r.path == "/boucle") == fetching.MAX_REDIRECTS + 1


def test_five_redirects_are_followed(httpserver, loopback):
    for step in range(5):
        httpserver.expect_request(f"/{step}").respond_with_data(
            "", status=301, headers={"Location": f"/{step + 1}"}
        )
    httpserver.expect_request("/5").respond_with_data("arrivé")
    page = Fetcher().get(at(httpserver, "/0"))
    assert page.content.decode() == "arrivé" and len(page.redirects) == 5


@pytest.mark.parametrize(
    "url,reason",
    [
        ("ftp://www.gite.fr/", Reason.SCHEME),
        ("file:///etc/passwd", Reason.SCHEME),
        ("gopher://www.gite.fr/", Reason.SCHEME),
        ("http://www.gite.fr:8080/", Reason.PORT),
        ("https://www.gite.fr:22/", Reason.PORT),
    ],
)
def test_only_http_and_https_on_ports_80_and_443(url, reason, monkeypatch, settings):
    monkeypatch.setattr(fetching, "resolve", lambda host, port: ["93.184.215.14"])
    assert reason_of(url) == reason


def test_an_unknown_name_fails_in_french(monkeypatch, settings):
    def unknown(host, port):
        raise FetchFailed(Reason.NAME, host)

    monkeypatch.setattr(fetching, "resolve", unknown)
    assert reason_of("https://www.nulle-part.invalid/") == Reason.NAME
    assert str(Reason.NAME.label) == "nom de domaine introuvable"


def test_a_huge_page_is_cut_off(httpserver, loopback):
    loopback.SNUT_FETCH_MAX_BYTES = 50_000
    httpserver.expect_request("/").respond_with_data("x" * 60_000)
    assert reason_of(at(httpserver, "/")) == Reason.TOO_LARGE


def test_a_huge_page_without_length_is_cut_off_while_streaming(httpserver, loopback):
    loopback.SNUT_FETCH_MAX_BYTES = 50_000
    sent = []

    def endless(request):
        def chunks():
            for _ in range(1000):  # 16 MB if read to the end
                sent.append(1)
                yield b"x" * 16_384

        return Response(chunks(), content_type="text/html")

    httpserver.expect_request("/").respond_with_handler(endless)
    assert reason_of(at(httpserver, "/")) == Reason.TOO_LARGE
    assert len(sent) < 1000


def test_a_slow_server_times_out(httpserver, loopback):
    loopback.SNUT_FETCH_TIMEOUT = 0.2

    def slow(request):
        time.sleep(0.5)
        return Response("trop tard")

    httpserver.expect_request("/").respond_with_handler(slow)
    started = time.monotonic()
    assert reason_of(at(httpserver, "/")) == Reason.TIMEOUT
    assert time.monotonic() - started < 0.45
    assert str(Reason.TIMEOUT.label) == "délai dépassé"


def test_a_server_dripping_bytes_cannot_stretch_the_deadline(httpserver, loopback):
    loopback.SNUT_FETCH_TIMEOUT = 0.3

    def drip(request):
        def chunks():
            for _ in range(20):
                time.sleep(0.05)
                yield b"x" * 10

        return Response(chunks(), content_type="text/html")

    httpserver.expect_request("/").respond_with_handler(drip)
    started = time.monotonic()
    assert reason_of(at(httpserver, "/")) == Reason.TIMEOUT
    assert time.monotonic() - started < 0.6


@pytest.mark.parametrize(
    "robots", ["User-agent: *\nDisallow: /prive/\n", "User-agent: SNUT\nDisallow: /prive\n"]
)
def test_robots_txt_is_honoured(httpserver, loopback, robots):
    asked, served = [], []

    def robots_txt(request):
        asked.append(request.path)
        return Response(robots)

    def private(request):
        served.append(request.path)
        return Response("privé")

    httpserver.expect_request("/robots.txt").respond_with_handler(robots_txt)
    httpserver.expect_request("/prive/").respond_with_handler(private)
    httpserver.expect_request("/").respond_with_data("public")
    fetcher = Fetcher()
    assert fetcher.get(at(httpserver, "/")).content == b"public"
    with pytest.raises(FetchFailed) as failed:
        fetcher.get(at(httpserver, "/prive/"))
    assert failed.value.reason == Reason.ROBOTS
    assert str(Reason.ROBOTS.label) == "interdit par robots.txt"
    assert asked == ["/robots.txt"] and served == []  # read once, obeyed


def test_a_robots_txt_in_error_forbids_all(httpserver, loopback):
    httpserver.expect_request("/robots.txt").respond_with_data("panne", status=503)
    assert reason_of(at(httpserver, "/")) == Reason.ROBOTS


# --- TLS ------------------------------------------------------------------------------


def certificate(folder, name: str, start: str, end: str) -> tuple[str, str]:
    """A self-signed certificate for `name`, valid from `start` to `end` (openssl ca)."""
    (folder / "index.txt").write_text("")
    (folder / "serial").write_text("01\n")
    (folder / "ca.cnf").write_text(
        "[ca]\ndefault_ca=d\n[d]\ndatabase=index.txt\nnew_certs_dir=.\nserial=serial\n"
        "default_md=sha256\npolicy=p\ncopy_extensions=copy\nunique_subject=no\n"
        "[p]\ncommonName=supplied\n"
    )
    run = {"cwd": folder, "check": True, "capture_output": True}
    subprocess.run(
        ["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
        + ["-nodes", "-keyout", "key.pem", "-out", "req.csr", "-subj", f"/CN={name}"]
        + ["-addext", f"subjectAltName=DNS:{name}"],
        **run,
    )
    subprocess.run(
        ["openssl", "ca", "-selfsign", "-keyfile", "key.pem", "-in", "req.csr", "-out"]
        + ["cert.pem", "-startdate", start, "-enddate", end, "-config", "ca.cnf", "-batch"],
        **run,
    )
    return str(folder / "cert.pem"), str(folder / "key.pem")


@pytest.fixture
def https_site(tmp_path, loopback, monkeypatch):
    """An HTTPS server for www.gite.test (resolved to 127.0.0.1), its certificate trusted."""

    def serve(start="20200101000000Z", end="20991231000000Z"):
        cert, key = certificate(tmp_path, "www.gite.test", start, end)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context, threaded=True)
        server.no_handler_status_code = 404
        server.start()
        servers.append(server)
        trusted = ssl.create_default_context(cafile=cert)
        monkeypatch.setattr(fetching, "tls_context", lambda: trusted)
        monkeypatch.setattr(fetching, "resolve", lambda host, port: ["127.0.0.1"])
        return server

    servers = []
    yield serve
    for server in servers:
        server.clear()
        server.stop()


def test_https_is_verified_against_the_name_not_the_address(https_site):
    server = https_site()
    server.expect_request("/").respond_with_data("sécurisé")
    page = Fetcher().get(f"https://www.gite.test:{server.port}/")
    assert page.content.decode() == "sécurisé"
    assert page.certificate_expires.endswith("2099 GMT")
    assert server.log[-1][0].headers["Host"] == f"www.gite.test:{server.port}"
    # Another name on the same address: its certificate does not match.
    assert reason_of(f"https://autre-nom.test:{server.port}/") == Reason.CERTIFICATE_INVALID


def test_an_expired_certificate_is_said_so(https_site):
    server = https_site(end="20200201000000Z")
    server.expect_request("/").respond_with_data("périmé")
    assert reason_of(f"https://www.gite.test:{server.port}/") == Reason.CERTIFICATE_EXPIRED
    assert str(Reason.CERTIFICATE_EXPIRED.label) == "certificat expiré"


def test_fetches_run_side_by_side(httpserver, loopback):
    """One Fetcher per check, no shared state between threads (the worker may run several)."""
    httpserver.expect_request("/").respond_with_data("ok")
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(Fetcher().get(at(httpserver, "/"))))
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.content for r in results] == [b"ok"] * 3


def test_a_slow_name_lookup_counts_in_the_deadline(monkeypatch, loopback):
    loopback.SNUT_FETCH_TIMEOUT = 0.2

    def slow(host, port):
        time.sleep(0.5)
        return ["127.0.0.1"]

    monkeypatch.setattr(fetching, "resolve", slow)
    started = time.monotonic()
    assert reason_of("http://www.lent.test/") == Reason.TIMEOUT
    assert time.monotonic() - started < 0.45
