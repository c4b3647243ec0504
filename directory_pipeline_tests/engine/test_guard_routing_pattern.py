"""The browser-side guard only looks at URLs that are not plainly the directory's own; the
pattern that picks them must never leave out a URL the policy refuses."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from directory_pipeline.browser.network_policy import NetworkPolicy

LIVE = NetworkPolicy(("bizlist.example", "static.cdn-bizlist.net"), frozenset({80, 443}))
SANDBOX = NetworkPolicy(("citylocal-hub.localhost",), frozenset({37991}), loopback_only=True)

schemes = st.sampled_from(["http", "https", "ws", "wss", "HTTPS", "file", "ftp", "javascript"])
hosts = st.sampled_from(
    [
        "bizlist.example",
        "www.bizlist.example",
        "BIZLIST.EXAMPLE",
        "bizlist.example.evil.test",
        "evilbizlist.example",
        "static.cdn-bizlist.net",
        "cdn-bizlist.net",
        "citylocal-hub.localhost",
        "x.citylocal-hub.localhost",
        "localhost",
        "127.0.0.1",
        "[::1]",
        "evil.test",
        "bizlist.example.",
    ]
)
userinfo = st.sampled_from(["", "user@", "bizlist.example@", "a:b@", "citylocal-hub.localhost@"])
ports = st.sampled_from(["", ":80", ":443", ":8080", ":37991", ":0", ":443@evil.test"])
tails = st.sampled_from(
    ["", "/", "/a?b", "?q", "#f", "\\@evil.test/", "@evil.test/", ".evil.test/"]
)


@settings(max_examples=2000, deadline=None)
@given(scheme=schemes, user=userinfo, host=hosts, port=ports, tail=tails)
def test_every_url_the_policy_refuses_is_looked_at(
    scheme: str, user: str, host: str, port: str, tail: str
) -> None:
    url = f"{scheme}://{user}{host}{port}{tail}"
    for policy in (LIVE, SANDBOX):
        if not policy.needs_checking().search(url):
            assert policy.check_url(url) is None, (url, policy)


def test_the_directorys_own_pages_and_assets_are_not_looked_at() -> None:
    for url in [
        "https://bizlist.example/add-listing",
        "https://www.bizlist.example/css/site.css?v=3",
        "http://bizlist.example:80/logo.png",
        "https://static.cdn-bizlist.net/app.js",
        "wss://bizlist.example/live",
        "data:image/png;base64,AAAA",
        "blob:https://bizlist.example/1234",
    ]:
        assert not LIVE.needs_checking().search(url), url
    assert not SANDBOX.needs_checking().search("http://citylocal-hub.localhost:37991/add")


def test_other_hosts_ports_and_schemes_are_looked_at() -> None:
    for url in [
        "https://tracker.evil.test/pixel.gif",
        "https://bizlist.example.evil.test/",
        "https://bizlist.example@evil.test/",
        "https://bizlist.example:8443/",
        "file:///etc/passwd",
    ]:
        assert LIVE.needs_checking().search(url), url
        assert LIVE.check_url(url) is not None, url
    assert SANDBOX.needs_checking().search("http://citylocal-hub.localhost/add")  # port 80
