"""The app's URLs plus /bench/floor: the cheapest page the stack can serve."""

from django.http import HttpResponse
from django.urls import include, path


def floor(request):
    """Middleware, session and user, no query of our own: the framework's floor."""
    return HttpResponse(f"ok {request.user.is_authenticated}", content_type="text/plain")


urlpatterns = [path("bench/floor", floor), path("", include("snut.urls"))]
