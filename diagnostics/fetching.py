"""The only way SNUT fetches an address that someone typed: a guarded HTTP GET.

An office's or a business's website address is user input, and SNUT's server sits on its
network: fetched naively, « http://10.0.0.1/ » or a name that resolves to 169.254.169.254
would reach what no visitor can. So every fetch here
- takes http and https only, on ports 80 and 443;
- resolves the host itself and refuses the whole name if any of its addresses is not a
  public one (private, loopback, link-local, reserved, multicast, unspecified…);
- connects to the very address it checked, sending the name in the Host header and, over
  TLS, as SNI, and verifies the certificate against that name: a DNS answer that changes
  between the check and the connection (DNS rebinding) cannot redirect it;
- follows at most MAX_REDIRECTS redirections itself, each checked as above;
- reads at most SNUT_FETCH_MAX_BYTES, streamed, and gives up after SNUT_FETCH_TIMEOUT
  seconds in all (robots.txt and redirections included);
- names itself (User-Agent: SNUT and the network's contact), honours robots.txt, and never
  runs a script: it returns bytes.
A refusal or a failure raises FetchFailed with a reason among FetchFailed.Reason, whose
labels are what the office reads (« certificat expiré », « délai dépassé »…).

Loopback addresses (and any port on them) are allowed only with SNUT_FETCH_ALLOW_LOOPBACK,
which the test suite sets for its local HTTP server and production refuses to start with.
"""

import contextlib
import ipaddress
import socket
import ssl
import threading
import time
import urllib.robotparser
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextvars import ContextVar
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import urllib3
import urllib3.connection
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_REDIRECTS = 5
ALLOWED_PORTS = {"http": 80, "https": 443}
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
ROBOTS_MAX_BYTES = 512 * 1024
CHUNK = 64 * 1024
ROBOTS_AGENT = "SNUT"


class Reason(models.TextChoices):
    SCHEME = "scheme", _("adresse non web (http ou https seulement)")
    PORT = "port", _("port refusé (80 ou 443 seulement)")
    NAME = "name", _("nom de domaine introuvable")
    PRIVATE = "private", _("adresse non publique refusée")
    CONNECTION = "connection", _("connexion impossible")
    TIMEOUT = "timeout", _("délai dépassé")
    CERTIFICATE_EXPIRED = "cert_expired", _("certificat expiré")
    CERTIFICATE_INVALID = "cert_invalid", _("certificat invalide")
    REDIRECTS = "redirects", _("trop de redirections")
    TOO_LARGE = "too_large", _("page trop lourde")
    ROBOTS = "robots", _("interdit par robots.txt")
    HTTP_ERROR = "http_error", _("page en erreur")


class FetchFailed(Exception):
    def __init__(self, reason: Reason, detail: str = ""):
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)
        self.reason = reason
        self.detail = detail


@dataclass
class Fetched:
    url: str  # where the content came from, after redirections
    status: int
    content: bytes
    content_type: str
    redirects: list[str] = field(default_factory=list)  # every address left, in order
    certificate_expires: str = ""  # the certificate's notAfter, for https


def user_agent() -> str:
    contact = settings.SNUT_NETWORK_CONTACT or settings.SNUT_NETWORK_NAME
    return f"SNUT-observatoire/1.0 (relevé des sites web des offices de tourisme; {contact})"


def resolve(host: str, port: int) -> list[str]:
    """The host's addresses, as the system resolver gives them (a seam for the tests)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchFailed(Reason.NAME, host) from error
    return [info[4][0] for info in infos]


# The system resolver has its own timeouts (5 s a try, several tries): a lookup runs here,
# so that the fetch's deadline bounds it too.
_lookups = ThreadPoolExecutor(max_workers=4, thread_name_prefix="snut-dns")


def resolve_within(host: str, port: int, seconds: float) -> list[str]:
    future = _lookups.submit(lambda: resolve(host, port))
    try:
        return future.result(timeout=seconds)
    except FutureTimeout as error:
        raise FetchFailed(Reason.TIMEOUT, host) from error


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not (
        address.is_multicast or address.is_reserved or address.is_link_local
    )


def checked_address(host: str, port: int, seconds: float = 10.0) -> str:
    """The address to connect to: every resolved address must be public (or loopback with
    the test setting); the first one is used, never a second resolution."""
    try:
        candidates = [host] if ipaddress.ip_address(host) else []
    except ValueError:
        candidates = resolve_within(host, port, seconds)
    if not candidates:
        raise FetchFailed(Reason.NAME, host)
    for candidate in candidates:
        address = ipaddress.ip_address(candidate.split("%")[0])
        if is_public(address):
            if port not in ALLOWED_PORTS.values():
                raise FetchFailed(Reason.PORT, str(port))
            continue
        if address.is_loopback and settings.SNUT_FETCH_ALLOW_LOOPBACK:
            continue
        raise FetchFailed(Reason.PRIVATE, str(address))
    return candidates[0].split("%")[0]


def tls_context() -> ssl.SSLContext:
    """The system's trusted authorities, hostname checked (a seam for the tests' own CA)."""
    return ssl.create_default_context()


def _ssl_reason(error: BaseException) -> Reason:
    while error is not None:
        if isinstance(error, ssl.SSLCertVerificationError):
            expired = error.verify_code == 10  # X509_V_ERR_CERT_HAS_EXPIRED
            return Reason.CERTIFICATE_EXPIRED if expired else Reason.CERTIFICATE_INVALID
        if "certificate has expired" in str(error):
            return Reason.CERTIFICATE_EXPIRED
        error = error.__cause__ or error.__context__ or (error.args[0] if error.args else None)
        if not isinstance(error, BaseException):
            break
    return Reason.CERTIFICATE_INVALID


class _Watch:
    """The deadline of one request: a timer shuts its socket down when it passes, so that a
    server dripping headers or body a byte at a time (each read within the socket's
    timeout) cannot stretch it; `fired` tells a cut-off body from a complete one."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.fired = False
        self.timer: threading.Timer | None = None

    def arm(self, sock) -> None:
        def cut():
            self.fired = True
            with contextlib.suppress(OSError):  # closed already
                sock.shutdown(socket.SHUT_RDWR)

        self.timer = threading.Timer(self.seconds, cut)
        self.timer.daemon = True
        self.timer.start()

    def disarm(self) -> None:
        if self.timer is not None:
            self.timer.cancel()


_watch: ContextVar[_Watch | None] = ContextVar("snut_fetch_watch", default=None)


class _Recording:
    """Arms the request's watch on its socket, and keeps the certificate's end date."""

    snut_not_after = ""

    def connect(self):
        super().connect()
        watch = _watch.get()
        if watch is not None:
            watch.arm(self.sock)
        if hasattr(self.sock, "getpeercert"):
            self.snut_not_after = (self.sock.getpeercert() or {}).get("notAfter", "")


class _HTTPConnection(_Recording, urllib3.connection.HTTPConnection):
    pass


class _HTTPSConnection(_Recording, urllib3.connection.HTTPSConnection):
    pass


class _HTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class Fetcher:
    """One session of guarded fetches (one website check): robots.txt read once per origin."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self.robots: dict[str, urllib.robotparser.RobotFileParser] = {}

    def get(self, url: str, *, max_bytes: int | None = None) -> Fetched:
        """The page at `url` (after redirections), or FetchFailed."""
        deadline = self.clock() + settings.SNUT_FETCH_TIMEOUT
        limit = max_bytes or settings.SNUT_FETCH_MAX_BYTES
        redirects: list[str] = []
        while True:
            self._check_robots(url, deadline)
            fetched = self._one(url, deadline, limit)
            location = fetched.redirect_to
            if location is None:
                fetched.page.redirects = redirects
                return fetched.page
            redirects.append(url)
            if len(redirects) > MAX_REDIRECTS:
                raise FetchFailed(Reason.REDIRECTS, url)
            url = urljoin(url, location)

    # --- robots.txt -----------------------------------------------------------------

    def _check_robots(self, url: str, deadline: float) -> None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self.robots:
            self.robots[origin] = self._robots(origin, deadline)
        if not self.robots[origin].can_fetch(ROBOTS_AGENT, url):
            raise FetchFailed(Reason.ROBOTS, url)

    def _robots(self, origin: str, deadline: float) -> urllib.robotparser.RobotFileParser:
        """RFC 9309: no robots.txt (4xx) allows all; a server error forbids all."""
        parser = urllib.robotparser.RobotFileParser()
        robots_url = origin + "/robots.txt"
        status, text = 404, ""
        for _redirect in range(MAX_REDIRECTS + 1):
            fetched = self._one(robots_url, deadline, ROBOTS_MAX_BYTES, robots=True)
            if fetched.redirect_to is None:
                status = fetched.page.status
                text = fetched.page.content.decode("utf-8", errors="replace")
                break
            robots_url = urljoin(robots_url, fetched.redirect_to)
        if status >= 500:
            parser.disallow_all = True
        elif status >= 400:
            parser.allow_all = True
        else:
            parser.parse(text.splitlines())
        return parser

    # --- one request ----------------------------------------------------------------

    def _one(self, url: str, deadline: float, limit: int, robots: bool = False) -> "_Answer":
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ALLOWED_PORTS:
            raise FetchFailed(Reason.SCHEME, scheme)
        try:
            port = parts.port or ALLOWED_PORTS[scheme]
        except ValueError as error:
            raise FetchFailed(Reason.PORT, parts.netloc) from error
        if not parts.hostname:
            raise FetchFailed(Reason.NAME, url)
        try:
            host = parts.hostname.encode("idna").decode("ascii")
        except UnicodeError as error:
            raise FetchFailed(Reason.NAME, parts.hostname) from error
        address = checked_address(host, port, self._remaining(deadline))
        remaining = self._remaining(deadline)
        timeout = urllib3.Timeout(connect=remaining, read=remaining)
        if scheme == "https":
            pool = _HTTPSPool(
                address,
                port,
                timeout=timeout,
                retries=False,
                server_hostname=host,
                assert_hostname=host,
                ssl_context=tls_context(),
            )
        else:
            pool = _HTTPPool(address, port, timeout=timeout, retries=False)
        name = f"[{host}]" if ":" in host else host  # an IPv6 literal
        host_header = name if port == ALLOWED_PORTS[scheme] else f"{name}:{port}"
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        headers = {
            "Host": host_header,
            "User-Agent": user_agent(),
            "Accept": "text/plain" if robots else "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
            "Accept-Language": "fr,en;q=0.5",
        }
        watch = _Watch(remaining)
        token = _watch.set(watch)
        try:
            with pool:
                response = pool.urlopen(
                    "GET", path, headers=headers, redirect=False, preload_content=False
                )
                try:
                    answer = self._read(url, response, deadline, limit)
                finally:
                    watch.disarm()
                    response.release_conn()
            if watch.fired:
                raise FetchFailed(Reason.TIMEOUT, url)
            return answer
        except FetchFailed:
            raise
        except Exception as error:
            if watch.fired:  # the watch cut the socket: whatever broke, time ran out
                raise FetchFailed(Reason.TIMEOUT, url) from error
            failure = self._failure(error, host, url)
            if failure is error:
                raise
            raise failure from error
        finally:
            watch.disarm()
            _watch.reset(token)

    @staticmethod
    def _failure(error: Exception, host: str, url: str) -> Exception:
        """What a library error means for the office, in French (other errors stay as is)."""
        if isinstance(error, urllib3.exceptions.SSLError):
            return FetchFailed(_ssl_reason(error), host)
        if isinstance(error, urllib3.exceptions.TimeoutError) or "timed out" in str(error):
            return FetchFailed(Reason.TIMEOUT, url)
        if isinstance(error, (urllib3.exceptions.HTTPError, OSError)):
            return FetchFailed(Reason.CONNECTION, url)
        return error

    def _remaining(self, deadline: float) -> float:
        remaining = deadline - self.clock()
        if remaining <= 0:
            raise FetchFailed(Reason.TIMEOUT)
        return remaining

    def _read(self, url, response, deadline: float, limit: int) -> "_Answer":
        certificate = getattr(response.connection, "snut_not_after", "")
        if response.status in REDIRECT_STATUSES and response.headers.get("Location"):
            return _Answer(None, response.headers["Location"])
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchFailed(Reason.TOO_LARGE, declared)
        body = bytearray()
        for chunk in response.stream(CHUNK):
            body += chunk
            if len(body) > limit:
                raise FetchFailed(Reason.TOO_LARGE, str(len(body)))
            self._remaining(deadline)
        page = Fetched(
            url=url,
            status=response.status,
            content=bytes(body),
            content_type=response.headers.get("Content-Type", ""),
            certificate_expires=certificate,
        )
        return _Answer(page, None)


@dataclass
class _Answer:
    page: Fetched | None
    redirect_to: str | None


def fetch_page(fetcher: Fetcher, url: str) -> Fetched:
    """A page that must answer 2xx: an error status is a failure too."""
    page = fetcher.get(url)
    if page.status >= 400:
        raise FetchFailed(Reason.HTTP_ERROR, str(page.status))
    return page
