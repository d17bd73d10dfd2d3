"""Who may write: tokens verified as PostgREST verifies them, and alert
settings that belong to the token's subject.

First the gateway's token checks without a server (gateway/auth.py): the
claims PostgREST checks, its 30 s of skew, its aud rules, its error codes
and WWW-Authenticate header. Then over HTTP, against the API `make run`
would start, on the test database: an anonymous write is refused with 401
and changes nothing, alice's token saves alice's settings, bob's token
neither reads nor changes them, and forged, expired or wrong-audience tokens
(and random mutations of good ones) get 401 and change nothing."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import jwt
import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway import config
from gateway.auth import Authenticator, bearer_token, claim_path
from gateway.errors import ApiError
from gateway.response import response_settings
from harness import JWT_SECRET, ApiServer, lib_sh

SECRET = JWT_SECRET
AUDIENCE = "raceday-test"
FUZZ_EXAMPLES = int(
    os.environ.get("RACEDAY_FUZZ_EXAMPLES", 500 if os.environ.get("RACEDAY_FUZZ") == "full" else 60)
)
INDICATOR = {
    "display_order": 3,
    "percentage_range_min": 12.5,
    "percentage_range_max": None,
    "color": "#abcdef",
    "enabled": False,
}


def token(sub: str | None = "alice", secret: str = SECRET, algorithm: str = "HS256", **claims) -> str:
    body = {"role": "web_user", "exp": int(time.time()) + 600, "aud": AUDIENCE, **claims}
    if sub is not None:
        body["sub"] = sub
    return jwt.encode({k: v for k, v in body.items() if v is not None}, secret, algorithm=algorithm)


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


# -- the checks, without a server -------------------------------------------

AUTH = Authenticator(SECRET.encode(), AUDIENCE, ".role", "web_anon")


def refused(authorization: str, now: float | None = None) -> ApiError:
    with pytest.raises(ApiError) as caught:
        AUTH.identify(authorization, now)
    return caught.value


def test_no_token_or_another_scheme_is_anonymous():
    for header in (None, "Basic dXNlcjpwYXNz", "Token abc"):
        identity = AUTH.identify(header)
        assert (identity.role, identity.authenticated, json.loads(identity.claims)) == (
            "web_anon",
            False,
            {"role": "web_anon"},
        )
    assert bearer_token("bearer  abc ") == "abc" and bearer_token("BEARER abc") == "abc"


def test_a_good_token_runs_as_its_role_with_its_claims():
    identity = AUTH.identify("Bearer " + token("alice"))
    claims = json.loads(identity.claims)
    assert (identity.role, identity.authenticated, claims["sub"], claims["role"]) == (
        "web_user",
        True,
        "alice",
        "web_user",
    )
    # No role claim: the anonymous role, with the token's claims.
    identity = AUTH.identify("Bearer " + token("carol", role=None))
    assert (identity.role, identity.authenticated, json.loads(identity.claims)["sub"]) == (
        "web_anon",
        False,
        "carol",
    )


def test_time_claims_with_postgrest_skew():
    now = time.time()
    assert AUTH.identify("Bearer " + token(exp=int(now) - 29), now).role == "web_user"
    assert refused("Bearer " + token(exp=int(now) - 31), now).message == "JWT expired"
    assert AUTH.identify("Bearer " + token(nbf=int(now) + 29), now).role == "web_user"
    assert refused("Bearer " + token(nbf=int(now) + 31), now).message == "JWT not yet valid"
    assert refused("Bearer " + token(iat=int(now) + 31), now).message == "JWT issued at future"
    assert refused("Bearer " + token(exp="tomorrow"), now).message == "The JWT 'exp' claim must be a number"
    assert refused("Bearer " + token(exp=True), now).message == "The JWT 'exp' claim must be a number"


def test_a_verified_token_is_kept_but_its_claims_are_checked_each_time():
    """The signature is verified once (as PostgREST's jwt-cache does); a kept
    token still expires."""
    auth = Authenticator(SECRET.encode(), AUDIENCE, ".role", "web_anon")
    now = time.time()
    signed = "Bearer " + token(exp=int(now) + 60)
    assert auth.identify(signed, now).role == "web_user"
    assert len(auth._verified) == 1
    with pytest.raises(ApiError) as caught:
        auth.identify(signed, now + 120)
    assert caught.value.message == "JWT expired"
    with pytest.raises(ApiError):
        auth.identify("Bearer " + token(secret="another-secret-of-at-least-32-characters!"), now)
    assert len(auth._verified) == 1, "a token that fails verification is not kept"


def test_audience_as_postgrest_checks_it():
    assert AUTH.identify("Bearer " + token(aud=[AUDIENCE, "other"])).role == "web_user"
    for absent in (None, []):
        assert AUTH.identify("Bearer " + token(aud=absent)).role == "web_user", (
            "a token without aud is for all"
        )
    assert refused("Bearer " + token(aud="other")).message == "JWT not in audience"
    assert refused("Bearer " + token(aud=["other"])).message == "JWT not in audience"
    assert (
        refused("Bearer " + token(aud=7)).message
        == "The JWT 'aud' claim must be a string or an array of strings"
    )
    anywhere = Authenticator(SECRET.encode(), None, ".role", "web_anon")
    assert anywhere.identify("Bearer " + token(aud="other")).role == "web_user", "no jwt-aud: every audience"


def test_bad_tokens_get_postgrest_codes_and_header():
    cases = {
        "Bearer ": ("PGRST301", "Empty JWT is sent in Authorization header"),
        "Bearer a.b": ("PGRST301", "Expected 3 parts in JWT; got 2"),
        "Bearer " + token(secret="another-secret-of-at-least-32-characters!"): (
            "PGRST301",
            "JWT cryptographic operation failed",
        ),
        "Bearer " + jwt.encode({"sub": "x", "role": "web_user"}, None, algorithm="none"): (
            "PGRST301",
            "Wrong or unsupported encoding algorithm",
        ),
        "Bearer not.a.token": ("PGRST301", "JWT couldn't be decoded"),
        "Bearer " + token(exp=1): ("PGRST303", "JWT expired"),
    }
    for header, (code, message) in cases.items():
        error = refused(header)
        assert (error.status, error.code, error.message) == (401, code, message), header
        assert error.headers == [
            (b"www-authenticate", f'Bearer error="invalid_token", error_description="{message}"'.encode())
        ]
    no_secret = Authenticator(None, None, ".role", "web_anon")
    with pytest.raises(ApiError) as caught:
        no_secret.identify("Bearer " + token())
    assert (caught.value.status, caught.value.code) == (500, "PGRST300")


def test_role_claim_key_paths():
    assert claim_path(".role") == ["role"]
    assert claim_path('.app_metadata."https://x.example/roles"[1]') == [
        "app_metadata",
        "https://x.example/roles",
        1,
    ]
    nested = Authenticator(SECRET.encode(), None, ".app.roles[0]", "web_anon")
    signed = jwt.encode({"sub": "a", "app": {"roles": ["web_user", "x"]}}, SECRET, algorithm="HS256")
    assert nested.identify("Bearer " + signed).role == "web_user"
    with pytest.raises(ValueError):
        claim_path("role")


def test_config_takes_the_secret_from_the_environment(tmp_path: Path):
    conf = tmp_path / "postgrest.conf"
    conf.write_text(
        'db-uri = "postgres://a@h/db"\ndb-schemas = "api"\ndb-anon-role = "web_anon"\n'
        'jwt-secret = "$(MY_SECRET)"\njwt-aud = "a$$b"\n'
    )
    loaded = config.load(conf, {"MY_SECRET": SECRET})
    assert (loaded.jwt_secret, loaded.jwt_aud, loaded.jwt_role_claim_key) == (SECRET.encode(), "a$b", ".role")
    assert config.load(conf, {}).jwt_secret is None, "an unset variable leaves no secret"
    with pytest.raises(config.ConfigError, match="at least 32"):
        config.load(conf, {"MY_SECRET": "short"})
    assert config.load(conf, {"MY_SECRET": SECRET, "PGRST_JWT_AUD": "other"}).jwt_aud == "other"


def test_response_settings_as_postgrest_reads_them():
    assert response_settings(("503", '[{"Cache-Control": "no-store"}, {"X-A": "b"}]')) == (
        503,
        [(b"cache-control", b"no-store"), (b"x-a", b"b")],
    )
    assert response_settings(("", "")) == (None, [])
    for bad in (
        ("abc", None),
        ("99", None),
        (None, '{"a": "b"}'),
        (None, '[{"a": 1}]'),
        (None, '[{"a": "b", "c": "d"}]'),
    ):
        with pytest.raises(ApiError) as caught:
            response_settings(bad)
        assert caught.value.status == 500 and caught.value.code in ("PGRST111", "PGRST112")


# -- over HTTP ----------------------------------------------------------------


@pytest.fixture(scope="module")
def api(database_url: str) -> Iterator[httpx.Client]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("TRUNCATE raceday.alert_configs")
    server = ApiServer(database_url, PGRST_JWT_AUD=AUDIENCE)
    try:
        with httpx.Client(base_url=server.url, timeout=10) as client:
            yield client
    finally:
        server.stop()
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("TRUNCATE raceday.alert_configs")


def stored(db: psycopg.Connection) -> list[tuple]:
    """Every saved indicator, as a superuser sees them (row-level security does not bind it)."""
    return db.execute(
        "SELECT user_id, display_order, percentage_range_min, percentage_range_max, color, enabled, "
        "audible_alerts_enabled, updated_at FROM raceday.alert_configs ORDER BY 1, 2"
    ).fetchall()


def save(api: httpx.Client, headers: dict[str, str] | None = None, **body) -> httpx.Response:
    return api.post(
        "/rpc/save_alert_configs", json={"indicators": [INDICATOR], **body}, headers=headers or {}
    )


def test_anonymous_write_is_401_and_changes_nothing(api, db):
    before = stored(db)
    response = save(api)
    assert response.status_code == 401, response.text
    assert response.json()["code"] == "42501" and response.headers["www-authenticate"] == "Bearer"
    assert api.get("/rpc/alert_configs").status_code == 401
    assert api.post("/rpc/reset_alert_configs").status_code == 401
    assert api.get("/alert_configs").status_code == 401
    assert stored(db) == before


def test_alice_saves_her_settings_and_bob_cannot_touch_them(api, db):
    alice, bob = bearer(token("alice")), bearer(token("bob"))
    saved = save(api, alice, audible_alerts_enabled=False)
    assert saved.status_code == 200, saved.text
    rows = saved.json()
    assert [r["display_order"] for r in rows] == [1, 2, 3, 4, 5, 6] and {r["user_id"] for r in rows} == {
        "alice"
    }
    assert rows[2]["color"] == "#ABCDEF" and rows[2]["enabled"] is False and rows[2]["is_default"] is False
    assert set(rows[0]) >= {
        "indicator_id",
        "user_id",
        "indicator_type",
        "percentage_range_min",
        "percentage_range_max",
        "color",
        "is_default",
        "enabled",
        "display_order",
        "audible_alerts_enabled",
    }, "the shape of DOMAIN.md §7"
    alices = stored(db)
    assert {r[0] for r in alices} == {"alice"} and len(alices) == 6

    # bob reads his own (the defaults), not alice's, by any way in.
    mine = api.get("/rpc/alert_configs", headers=bob).json()
    assert {r["user_id"] for r in mine} == {"bob"} and all(r["is_default"] for r in mine)
    assert api.get("/alert_configs", params={"user_id": "eq.alice"}, headers=bob).json() == []
    assert api.get("/rpc/alert_configs", params={"user_id": "eq.alice"}, headers=bob).json() == []
    # ...and cannot change them: naming alice is refused, a reset is his own.
    named = api.post(
        "/rpc/save_alert_configs",
        headers=bob,
        json={"indicators": [{**INDICATOR, "user_id": "alice", "color": "#000000"}]},
    )
    assert named.status_code == 400 and "signed-in user (bob)" in named.json()["message"]
    assert (
        api.post(
            "/rpc/save_alert_configs", headers=bob, json={"user_id": "alice", "indicators": [INDICATOR]}
        ).status_code
        == 404
    )
    assert api.post("/rpc/reset_alert_configs", headers=bob).status_code == 200
    assert stored(db) == alices
    assert api.get("/alert_configs", headers=alice).json()[2]["color"] == "#ABCDEF"


def test_race_alerts_for_colours_with_the_callers_indicators(api):
    race = "00000000-0000-4000-8000-0000000000f1"
    assert api.get("/rpc/race_alerts_for", params={"race_id": race}).status_code == 200
    assert (
        api.get("/rpc/race_alerts_for", params={"race_id": race}, headers=bearer(token("alice"))).status_code
        == 200
    )


def test_token_roles_and_subjects(api):
    assert api.get("/races", params={"limit": "1"}, headers=bearer(token("alice"))).status_code == 200, (
        "a signed-in user reads race data"
    )
    unknown = api.get("/races", headers=bearer(token("alice", role="no_such_role")))
    assert unknown.status_code == 401 and unknown.json()["code"] == "22023"
    stranger = api.get("/races", headers=bearer(token("alice", role="raceday_owner")))
    assert stranger.status_code == 403 and stranger.json()["code"] == "42501"
    nobody = api.get("/rpc/alert_configs", headers=bearer(token(None)))
    assert nobody.status_code == 403 and "no sub claim" in nobody.json()["message"]


def test_the_openapi_document_follows_the_role(api):
    anonymous = set(api.get("/").json()["paths"])
    signed_in = set(api.get("/", headers=bearer(token("alice"))).json()["paths"])
    assert "/rpc/race_alerts_for" in anonymous and "/rpc/health" in anonymous
    assert "/rpc/save_alert_configs" not in anonymous and "/alert_configs" not in anonymous
    assert {"/rpc/save_alert_configs", "/rpc/alert_configs", "/alert_configs"} <= signed_in
    assert anonymous < signed_in


BAD_TOKENS = {
    "forged": lambda: token("alice", secret="an-attacker-secret-of-at-least-32-characters"),
    "expired": lambda: token("alice", exp=int(time.time()) - 3600),
    "wrong audience": lambda: token("alice", aud="someone-else"),
    "not yet valid": lambda: token("alice", nbf=int(time.time()) + 3600),
    "unsigned": lambda: jwt.encode({"sub": "alice", "role": "web_user"}, None, algorithm="none"),
    "garbage": lambda: "x.y.z",
}


@pytest.mark.parametrize("kind", BAD_TOKENS)
def test_a_bad_token_is_401_and_changes_nothing(api, db, kind):
    before = stored(db)
    for response in (
        save(api, bearer(BAD_TOKENS[kind]())),
        api.post("/rpc/reset_alert_configs", headers=bearer(BAD_TOKENS[kind]())),
        api.get("/races", headers=bearer(BAD_TOKENS[kind]())),
    ):
        assert response.status_code == 401, (kind, response.text)
        assert response.json()["code"] in ("PGRST301", "PGRST303")
        assert response.headers["www-authenticate"].startswith(
            'Bearer error="invalid_token", error_description='
        )
    assert stored(db) == before


def _still_valid(candidate: str) -> bool:
    """Whether a mutated token is still a good one (PyJWT as the reference;
    a flipped padding bit of base64 can leave the signature unchanged)."""
    try:
        jwt.decode(candidate, SECRET, algorithms=["HS256"], audience=AUDIENCE)
        return True
    except jwt.InvalidTokenError:
        return False


def test_mutated_tokens_never_write(api, db):
    """Random changes to a good token (a character replaced, inserted or
    removed, in any of its three parts) and tokens with random claims signed
    with the wrong key: each is refused with 401 and saves nothing, unless it
    is still a valid token for alice."""
    good = token("alice")
    before = stored(db)
    replaced = st.builds(
        lambda i, c: good[:i] + c + good[i + 1 :],
        st.integers(0, len(good) - 1),
        st.sampled_from("AZaz09-_.=+/ "),
    )
    inserted = st.builds(
        lambda i, c: good[:i] + c + good[i:], st.integers(0, len(good)), st.sampled_from("Aa0-_.")
    )
    removed = st.builds(lambda i: good[:i] + good[i + 1 :], st.integers(0, len(good) - 1))
    claims = st.dictionaries(
        st.sampled_from(["sub", "role", "exp", "nbf", "aud", "iat"]),
        st.one_of(
            st.integers(),
            st.text(max_size=20),
            st.booleans(),
            st.none(),
            st.lists(st.text(max_size=5), max_size=3),
        ),
    )
    wrong_key = st.builds(lambda c: jwt.encode(c, "w" * 40, algorithm="HS256"), claims)
    outcomes: dict[int, int] = {}
    valid: list[str] = []

    @settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(candidate=st.one_of(replaced, inserted, removed, wrong_key))
    def one(candidate: str) -> None:
        response = api.post(
            "/rpc/save_alert_configs",
            json={"indicators": [{**INDICATOR, "color": "#123456"}]},
            headers={"Authorization": "Bearer " + candidate},
        )
        outcomes[response.status_code] = outcomes.get(response.status_code, 0) + 1
        if _still_valid(candidate):
            valid.append(candidate)
            return
        assert response.status_code == 401, (candidate, response.text)
        assert response.json()["code"] in ("PGRST301", "PGRST303")

    one()
    assert outcomes.get(401, 0) > 0, outcomes
    after = stored(db)
    if valid:  # a still-valid mutation may save alice's settings, and nobody else's
        assert [r for r in after if r[0] != "alice"] == [r for r in before if r[0] != "alice"]
    else:
        assert after == before, "a refused token wrote"


def test_make_token_signs_what_make_runs_api_accepts(database_url, db):
    """`make token` signs with the development secret that `make run` hands
    the API (scripts/lib.sh): its token saves the user's settings."""
    from harness import ROOT

    env = {k: v for k, v in os.environ.items() if k not in ("JWT_SECRET", "JWT_AUD")}
    made = subprocess.run(
        ["make", "-s", "token", "USER=dave"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    signed = made.stdout.strip()
    assert "\n" not in signed, "the token is the only line on stdout"
    secret = lib_sh("JWT_SECRET", env)
    claims = jwt.decode(signed, secret, algorithms=["HS256"])
    assert (claims["sub"], claims["role"]) == ("dave", "web_user") and claims["exp"] > time.time()
    server = ApiServer(database_url, PGRST_JWT_SECRET=secret)
    try:
        response = httpx.post(
            f"{server.url}/rpc/save_alert_configs",
            json={"indicators": [INDICATOR]},
            headers=bearer(signed),
            timeout=10,
        )
        assert response.status_code == 200 and {r["user_id"] for r in response.json()} == {"dave"}, (
            response.text
        )
    finally:
        server.stop()
    assert {r[0] for r in stored(db)} >= {"dave"}
    db.execute("DELETE FROM raceday.alert_configs WHERE user_id = 'dave'")


SIGNED_IN_PATHS = {
    "/rpc/alert_configs",
    "/rpc/save_alert_configs",
    "/rpc/reset_alert_configs",
    "/alert_configs",
}


def test_fuzzed_signed_in_requests_stay_within_the_users_rows(api, db):
    """The operations only a signed-in user has, fuzzed from the OpenAPI
    document served to web_user (valid and invalid bodies and parameters)
    with alice's token: no answer is a 5xx, every error is PostgREST's JSON,
    and whatever is saved is alice's alone."""
    import schemathesis
    from schemathesis import GenerationMode

    alice = bearer(token("alice"))
    schema = schemathesis.openapi.from_url(str(api.base_url).rstrip("/") + "/", headers=alice)
    operations = [r.ok() for r in schema.get_all_operations()]
    operations = [op for op in operations if op.path in SIGNED_IN_PATHS]
    assert {op.path for op in operations} == SIGNED_IN_PATHS
    others = [r for r in stored(db) if r[0] != "alice"]
    statuses: dict[int, int] = {}
    for operation in operations:
        cases = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)
        )

        @settings(
            max_examples=FUZZ_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=cases)
        def one(case) -> None:
            response = case.call(base_url=str(api.base_url), headers=alice, timeout=30)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            where = f"{case.method} {case.formatted_path} {case.query} {case.body!r:.300} -> {response.status_code}: {response.text[:300]}"
            assert response.status_code < 500, where
            if response.status_code >= 400 and case.method != "HEAD":
                error = json.loads(response.text)
                assert error.get("code") and error.get("message"), where

        one()
    assert statuses.get(200, 0) > 0 and any(400 <= s < 500 for s in statuses), statuses
    assert [r for r in stored(db) if r[0] != "alice"] == others, (
        "a request of alice's touched another user's rows"
    )
