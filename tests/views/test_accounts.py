"""Accounts in French: login, logout, password change and reset."""

import re

from django.core import mail
from django.urls import reverse

from snut import accounts
from tests import factories


def test_login_page_speaks_french_and_logs_in(client, director, office):
    page = client.get(reverse("login")).content.decode()
    assert "Connexion" in page and "Mot de passe oublié" in page
    response = client.post(
        reverse("login"), {"username": "directrice", "password": "secret-pass"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("diagnostics:office", args=[office.slug])


def test_wrong_password_gets_a_french_error(client, director):
    response = client.post(reverse("login"), {"username": "directrice", "password": "nope"})
    assert response.status_code == 200
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in response.content.decode()


def test_logout_is_a_post_and_says_goodbye(client, director):
    client.force_login(director)
    assert client.get(reverse("logout")).status_code == 405
    page = client.post(reverse("logout")).content.decode()
    assert "Vous êtes déconnecté" in page


def test_password_change_needs_login_then_works(client, director):
    url = reverse("password_change")
    assert reverse("login") in client.get(url).url
    client.force_login(director)
    response = client.post(
        url,
        {
            "old_password": "secret-pass",
            "new_password1": "Tourisme-2026!",
            "new_password2": "Tourisme-2026!",
        },
    )
    assert response.url == reverse("password_change_done")
    director.refresh_from_db()
    assert director.check_password("Tourisme-2026!")


def test_password_reset_sends_a_french_link_that_works(client, db):
    user = factories.make_user("camille", email="camille@ot-exemple.fr")
    response = client.post(reverse("password_reset"), {"email": "camille@ot-exemple.fr"})
    assert response.url == reverse("password_reset_done")
    accounts.mail_sent()  # the mail leaves from a thread of its own
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "nouveau mot de passe" in message.subject and "Bonjour" in message.body
    link = re.search(r"http://testserver(\S+)", message.body).group(1)
    form_url = client.get(link).url  # Django swaps the token for a session one
    response = client.post(
        form_url, {"new_password1": "Destination-2026!", "new_password2": "Destination-2026!"}
    )
    assert response.url == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password("Destination-2026!")


def test_password_reset_for_unknown_email_reveals_nothing(client, db):
    response = client.post(reverse("password_reset"), {"email": "inconnu@example.org"})
    assert response.url == reverse("password_reset_done")
    accounts.mail_sent()
    assert mail.outbox == []
