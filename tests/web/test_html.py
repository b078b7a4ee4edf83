"""Escaping, links and durations shared by the pages."""

from exporter.web.html import Markup, duration, esc, link, page, table, url


def test_esc_escapes_quotes_too_and_passes_markup():
    assert esc('"><img src=x>') == "&quot;&gt;&lt;img src=x&gt;"
    assert esc("it's") == "it&#x27;s"
    assert esc(Markup("<b>ok</b>")) == "<b>ok</b>"


def test_url_quotes_every_value():
    assert (
        url("/problems", {"project": 'a b"&<', "min_age": ""}) == "/problems?project=a%20b%22%26%3C"
    )
    assert link("/p", "<x>", {"q": '"'}) == '<a href="/p?q=%22">&lt;x&gt;</a>'


def test_table_escapes_cells_and_labels_them():
    html = table(("Name",), [("<script>alert(1)</script>",)], empty="none")
    assert "<script" not in html
    assert 'data-label="Name"' in html
    assert table(("Name",), [], empty="nothing <here>") == '<p class="ok">nothing &lt;here&gt;</p>'


def test_duration():
    assert [duration(s) for s in (None, 5, 125, 3600, 3 * 3600 + 1200, 86400 * 4 + 7200)] == [
        "unknown",
        "5 s",
        "2 min",
        "1 h",
        "3 h 20 min",
        "4 d 2 h",
    ]


def test_page_has_no_external_assets():
    html = page("T", "<c>", "<p>x</p>", now=0)
    assert "&lt;c&gt;" in html
    assert "<script" not in html
    assert "http://" not in html
    assert "https://" not in html
    assert 'name="viewport"' in html
