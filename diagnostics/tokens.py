"""Secret links' tokens: made here, stored only as their SHA-256 hash.

A token exists in clear only inside the task that e-mails it (see
diagnostics/services/mail.py): requests and task arguments carry ids, the database the
hash. A link is created with the hash of a token nobody knows (`unusable_hash`),
then re-keyed by its e-mail's task just before the message leaves.
"""

import hashlib
import secrets


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh token and its hash."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def unusable_hash() -> str:
    """The hash of a token that is thrown away at once: a link that opens nothing yet."""
    return new_token()[1]
