"""The admin wears the site's name (SITE_NAME), not Django's."""

import re

from django.urls import reverse

from tests.articles.roles import make_user


def test_the_sign_in_page_and_the_index_name_the_site(client, db, settings):
    settings.SITE_NAME = "Daily Planet"

    sign_in = client.get(reverse("admin:login")).content.decode()
    client.force_login(make_user("editor"))
    index = client.get(reverse("admin:index")).content.decode()

    for page in (sign_in, index):
        assert "Django" not in page
        assert re.search(r'<div id="site-name"><a href="[^"]*">Daily Planet</a>', page)
        assert re.search(r"<title>[^<]*\| Daily Planet</title>", page)
    assert "<h1>Daily Planet desk</h1>" in index
