"""The one error type that services raise.

Its message is a French constant of the service's module (marked with gettext_noop,
translated when raised), so that tests and views reuse it. It is a ValidationError:
a view catches it and shows its messages beside the form, with `status` (400). A
ServiceForbidden is also a PermissionDenied: left uncaught, Django answers 403.
"""

from django.core.exceptions import PermissionDenied, ValidationError


class ServiceError(ValidationError):
    """A write that a service refuses: the page shows why, with this status."""

    status = 400


class ServiceForbidden(ServiceError, PermissionDenied):
    """A write on something that is not the user's (or the office's) to change."""

    status = 403
