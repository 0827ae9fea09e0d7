"""Headers that Django's SecurityMiddleware does not set, and limits on what a request may carry."""

from django.conf import settings
from django.core.exceptions import SuspiciousMultipartForm
from django.core.files.uploadhandler import FileUploadHandler
from django.shortcuts import render
from django.utils.cache import patch_cache_control

# Everything the pages need is served by the app itself; inline style attributes
# (progress bars, admin) are the one allowance.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self' 'unsafe-inline'",
        "script-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def security_headers(get_response):
    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response

    return middleware


def request_size_limit(get_response):
    """Refuses a body announced above REQUEST_MAX_BODY_SIZE before anything reads it."""

    def middleware(request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BODY_SIZE:
            response = render(request, "413.html", status=413)
            response["Connection"] = "close"  # the rest of the body is never read
            return response
        return get_response(request)

    return middleware


def no_nul_in_url(get_response):
    """Answers 400 to a URL whose path or query holds a NUL character: PostgreSQL refuses
    it in any query, so a list filter, a search or an id carrying one would end in a
    500 wherever it reaches the database. Forms refuse it in posted fields already."""

    def middleware(request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            return render(request, "400.html", status=400)
        return get_response(request)

    return middleware


def private_pages(get_response):
    """What a signed-in user sees holds an office's data: no cache may keep it."""

    def middleware(request):
        response = get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response

    return middleware


class NoFileUploadHandler(FileUploadHandler):
    """No page of SNUT takes a file: a file part is refused before its content is read."""

    def new_file(self, *args, **kwargs):
        raise SuspiciousMultipartForm("File upload refused: no page of SNUT takes files.")
