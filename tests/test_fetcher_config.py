"""The fetcher's configuration refuses to poll TAB over plain HTTP: TAB's
answers decide what raceday stores and shows, and anyone on the path could
rewrite them. Plain http:// is for this host only (the simulator, a local
proxy), so a mistyped scheme stops the fetcher at start with one line."""

from __future__ import annotations

import pytest

from fetcher import config

DB = {"RACEDAY_DATABASE_URL": "postgresql://raceday_fetcher@127.0.0.1:5432/raceday"}


@pytest.mark.parametrize(
    "url",
    [
        "https://api.tab.co.nz/affiliates/v1",
        "https://10.0.0.5:8443/tab/",
        "http://127.0.0.1:8080/affiliates/v1",
        "http://localhost/affiliates/v1",
        "http://[::1]:8080/affiliates/v1",
    ],
)
def test_https_or_this_host(url):
    assert config.load({**DB, "NZTAB_API_URL": url}).api_url == url.rstrip("/")


@pytest.mark.parametrize(
    "url",
    [
        "http://api.tab.co.nz/affiliates/v1",
        "http://10.0.0.5/tab",
        "http://localhost.example.com/tab",
        "http://127.0.0.1.example.com/tab",
        "http://127.0.0.1@api.example.com/tab",
    ],
)
def test_plain_http_elsewhere_is_refused_with_one_line(url):
    with pytest.raises(config.ConfigError) as err:
        config.load({**DB, "NZTAB_API_URL": url})
    message = str(err.value)
    assert message.startswith("NZTAB_API_URL: must be an https:// URL") and "\n" not in message
    assert repr(url) in message


def test_the_default_is_tab_over_https():
    assert config.load(DB).api_url.startswith("https://")
