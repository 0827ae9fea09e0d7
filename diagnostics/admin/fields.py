"""What the admin's forms assume of what staff type."""

from django.db import models

# A web address typed without its scheme (« www.ot-brumevieille.fr ») is taken as https, as
# the project's own forms take it and as Django 6 will: Django 5 assumes http, and warns.
# Every admin whose model has a URLField sets it (a test fails on Django's warning).
FORMFIELD_OVERRIDES = {models.URLField: {"assume_scheme": "https"}}
