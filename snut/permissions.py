"""Who may do what: Django's permissions, each user's read once until they change.

`KeptPermissionsBackend` is Django's ModelBackend whose permission set of a user (their
own and their groups', every permission for a superuser) is kept in the shared cache
(page_memo.kept) until a table it is drawn from is written: the permissions, the groups,
a user's groups or permissions, the content types; for PAGE_MEMO_SECONDS at most, and
only in a cache every process shares (CACHE_URL): a permission taken away by another
process must be seen at once. Each staff page asked for it again: two queries and a set
of a hundred names, 0.7 ms of a 15–25 ms page on SQLite (0.05 ms kept in local memory,
two round trips to Redis). Whether the account is active, and a superuser, is read from
its row on each request, as before; the set is kept per user and per superuser flag,
never shared.

Django's own ModelBackend stays listed after it (settings.AUTHENTICATION_BACKENDS): a
session names the backend that signed its user in, and one that Django no longer lists is
signed out. It does no work of its own: the password is checked once, here (a refusal
ends the login, as a PermissionDenied does), and the permissions it reads are those kept
here on the user (ModelBackend's `_perm_cache`, which this backend fills first).
"""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from snut import page_memo

PATH = "snut.permissions.KeptPermissionsBackend"


class KeptPermissionsBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username, password, **kwargs)
        if user is None:
            # Refused: the ModelBackend listed after this one for older sessions' sake
            # would check the same password again (as slow a hash, for nothing).
            raise PermissionDenied
        return user

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not settings.CACHE_URL:
            # Each process's own memory: a permission taken away by another process (a
            # shell, a command, another worker) would go unseen. Read each time.
            return super().get_all_permissions(user_obj)
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = page_memo.kept(
                f"permissions:{user_obj.pk}:{int(user_obj.is_superuser)}",
                lambda: self._read(user_obj),
                settings.PAGE_MEMO_SECONDS,  # at most as long as a page is kept
            )
        return user_obj._perm_cache

    def _read(self, user_obj) -> set[str]:
        """Both halves read from the database within the record, even if this request
        asked for one of them before (`get_user_permissions()` keeps its own set on the
        user): the record then names every table the set is drawn from."""
        for half in ("_user_perm_cache", "_group_perm_cache"):
            user_obj.__dict__.pop(half, None)
        return super().get_all_permissions(user_obj)
