"""``{% picture %}``: responsive, layout-stable, escaped markup (articles/templatetags/pictures.py)."""

import pytest
from django.template import Context, Template

from articles.images import caching

from .conftest import picture_bytes

NOW = caching.timezone.now()


def render(image, **options):
    args = " ".join(f"{name}=options.{name}" for name in options)
    template = Template("{% load pictures %}{% picture image " + args + " %}")
    return template.render(Context({"image": image, "options": options}))


@pytest.fixture
def cached_image(media, make_image):
    """An image stored from a 1200 x 800 JPEG, as cache_images would."""
    image = make_image(url="https://cdn.example.com/a.jpg", title="Crowd at the <march>")
    caching.store(image, picture_bytes(1200, 800), "k" * 32, now=NOW)
    image.save()
    return image


def test_a_cached_image_offers_webp_and_jpeg_renditions_by_width(cached_image):
    html = render(cached_image, sizes="100vw")
    folder = "/media/images/kk/" + "k" * 32
    assert html.startswith('<picture><source type="image/webp" ')
    assert (
        f'srcset="{folder}/320.webp 320w, {folder}/640.webp 640w, {folder}/1024.webp 1024w, '
        f'{folder}/1200.webp 1200w" sizes="100vw">'
    ) in html
    assert f'<img src="{folder}/1024.jpg" srcset="{folder}/320.jpg 320w, ' in html
    assert f'{folder}/1200.jpg 1200w" sizes="100vw"' in html
    assert html.endswith("</picture>")


def test_a_cached_image_has_its_real_dimensions_and_escaped_alt(cached_image):
    html = render(cached_image)
    assert ' width="1200" height="800" alt="Crowd at the &lt;march&gt;"' in html
    assert "cdn.example.com" not in html


def test_below_the_fold_images_load_lazily_and_the_lead_does_not(cached_image):
    assert ' loading="lazy"' in render(cached_image)
    lead = render(cached_image, lazy=False)
    assert "loading=" not in lead


def test_an_uncached_image_uses_the_remote_url_with_the_known_dimensions(make_image):
    image = make_image(url="https://cdn.example.com/b.jpg?w=840&h=473", width=840, height=473)
    assert render(image, headline="Headline") == (
        '<img src="https://cdn.example.com/b.jpg?w=840&amp;h=473" width="840" height="473" '
        'alt="Headline" loading="lazy" decoding="async">'
    )


def test_without_a_caption_the_alt_text_is_the_headline(make_image):
    image = make_image(url="https://cdn.example.com/c.jpg")
    assert 'alt="Quotes &quot;here&quot; &amp; there"' in render(image, headline='Quotes "here" & there')


def test_unknown_dimensions_are_left_out_rather_than_guessed(make_image):
    assert "width=" not in render(make_image(url="https://cdn.example.com/d.jpg"))


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:image/png;base64,AAAA", "/relative.jpg"])
def test_only_http_urls_become_image_sources(make_image, url):
    assert render(make_image(url=url)) == ""


def test_a_list_item_dict_renders_like_an_image(media):
    story_image = {"src": "https://cdn.example.com/e.jpg", "alt": "Alt <b>", "width": 16, "height": 9}
    html = render(story_image, css_class="story__image")
    assert html == (
        '<img src="https://cdn.example.com/e.jpg" class="story__image" width="16" height="9" '
        'alt="Alt &lt;b&gt;" loading="lazy" decoding="async">'
    )
