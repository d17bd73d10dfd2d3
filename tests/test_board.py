"""The race board (web/) in a real browser: Debian's Chromium driven by
Selenium, served by `live` in front of the real API and PostgreSQL 18.

The simulated day is ingested with SQL, as a fetcher would deliver it, and
time moves only through the observation times written into the ingested
polls: the test waits on conditions in the page (with timeouts), never on
the clock. What a person would check by looking:

- the upcoming list shows the day's races soonest first, with a countdown,
  and takes in a meeting announced while it is open;
- a race shows its runners with their money (cents from the API, dollars
  on screen) and the money-flow buckets;
- a poll in a later bucket adds its cells WITHOUT a reload (pushed by SSE);
- the simulator's insider plunge raises a plunge alert that stands out,
  with the runner's row highlighted.

Screenshots go to the test's tmp_path; the last one is also copied to
tests/output/board.png (git-ignored) for a person to look at.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from harness import ROOT, ApiServer, LiveServer, chromium, ingest_meeting
from tabsim.model import RacingDay
from tabsim.payloads import event_json

QUERY = {"with_money_tracker": "true", "with_tote_trends_data": "true", "with_will_pays": "true"}
SEED = 11  # the day test_race_alerts watches plunge
LEAD_S = 5 * 60  # the plunge race starts this long after the day is laid out: upcoming
WAIT_S = 20  # for anything the page must show
OUTPUT = ROOT / "tests" / "output"


def laid_out_day(lead_s: float) -> RacingDay:
    """The simulated day placed so that its plunge race starts lead_s from now
    (the layout is the same for any start: only the offset is needed)."""
    probe = RacingDay(SEED, start=0, form_size=3)
    offset = probe.races[probe.plunge_race].start - probe.start
    return RacingDay(SEED, start=time.time() + lead_s - offset, form_size=3)


def ingest_poll(db, day: RacingDay, race, seconds_before_start: float) -> None:
    """One poll of the race as TAB would answer it that long before its start."""
    t = race.start - seconds_before_start
    db.execute(
        "SELECT raceday.ingest_event(%s, %s, to_timestamp(%s), '{}')",
        (race.race_id, event_json(day, race, t, QUERY), t),
    )


# DOMAIN.md §7: the default indicator ranges (min, max) and their colours.
RANGES = [
    (5, 10, (229, 231, 235)),
    (10, 15, (191, 219, 254)),
    (15, 20, (254, 243, 199)),
    (20, 25, (254, 215, 170)),
    (25, 50, (254, 202, 202)),
    (50, None, (243, 232, 255)),
]


def expected_background(share: float | None) -> str:
    """The background a cell holding that share of its bucket (%) is given
    (none below the first range)."""
    for low, high, (r, g, b) in RANGES:
        if share is not None and share >= low and (high is None or share < high):
            return f"rgb({r}, {g}, {b})"
    return ""


def increment(db, race, entrant_id: str, bucket: float) -> int:
    """The runner's win money in a bucket, as the API serves it (cents)."""
    return db.execute(
        """SELECT incremental_win_amount FROM api.money_flow_timeline
                         WHERE race_id = %s AND entrant_id = %s AND time_interval = %s""",
        (race.race_id, entrant_id, bucket),
    ).fetchone()[0]


@pytest.fixture
def board(database_url):
    """The API and live (which serves web/ and tells it the API's address)."""
    api = ApiServer(database_url)
    try:
        live = LiveServer(database_url, LIVE_API_URL=api.url)
    except Exception:
        api.stop()
        raise
    yield live
    live.stop()
    api.stop()


@pytest.fixture
def browser():
    with chromium() as driver:
        yield driver


class Page:
    """Reads the page through its test hooks (data- attributes, window.raceday)."""

    def __init__(self, driver, out: Path):
        self.d, self.out = driver, out

    def js(self, script: str, *args):
        return self.d.execute_script(script, *args)

    def count(self, selector: str) -> int:
        return self.js("return document.querySelectorAll(arguments[0]).length", selector)

    def wait(self, what: str, predicate, timeout: float = WAIT_S):
        try:
            return WebDriverWait(self.d, timeout, poll_frequency=0.1).until(lambda _: predicate())
        except TimeoutException:
            self.shot("failure")
            raise AssertionError(
                f"timed out after {timeout} s waiting for {what}; state: "
                f"{self.js('return JSON.stringify(window.raceday)')}; "
                f"console: {self.d.get_log('browser')}; screenshot: {self.out / 'failure.png'}"
            ) from None

    def shot(self, name: str) -> Path:
        path = self.out / f"{name}.png"
        self.d.save_screenshot(str(path))
        return path

    def cell(self, entrant_id: str, bucket: str) -> dict | None:
        """A runner's cell in a bucket column, as the page shows it."""
        return self.js(
            """
            const td = document.querySelector(`tr[data-entrant-id="${arguments[0]}"] td[data-bucket="${arguments[1]}"]`);
            return td && {amount: td.dataset.amount ?? null, share: td.dataset.share ?? null, text: td.textContent.trim(),
                          background: getComputedStyle(td).backgroundColor};""",
            entrant_id,
            bucket,
        )


def test_board_shows_a_race_live_and_its_plunge(clean_db, board, browser, tmp_path):
    db = clean_db
    day = laid_out_day(LEAD_S)
    race = day.races[day.plunge_race]
    plunger = race.runners[race.plunge].entrant_id
    late_meeting = day.meetings[1]  # in scope (NZ thoroughbred): announced while the list is open
    for meeting in day.meetings:
        if meeting is not late_meeting:
            ingest_meeting(db, day, meeting, time.time())
    # The race's last hour as a fetcher polls it, up to ten minutes out.
    for back in range(3600, 599, -300):
        ingest_poll(db, day, race, back)

    page = Page(browser, tmp_path)
    browser.get(f"{board.url}/")

    # -- the upcoming list ---------------------------------------------------
    row = f'tr[data-race-id="{race.race_id}"]'
    page.wait("the upcoming list", lambda: page.count(row) == 1)
    page.wait("the upcoming stream", lambda: page.js("return window.raceday.connection") == "live")
    starts = page.js(
        "return [...document.querySelectorAll('tr[data-race-id]')].map(r => Date.parse(r.dataset.start))"
    )
    assert starts == sorted(starts) and len(starts) > 10, "the races are not listed soonest first"
    status, countdown = page.js(f"""const r = document.querySelector('{row}');
        return [r.querySelector('[data-status]').dataset.status, r.querySelector('[data-countdown]').textContent]""")
    assert status == "open"
    minutes, _, seconds = countdown.partition(":")
    assert abs(int(minutes) * 60 + int(seconds) - (race.start - time.time())) < 5, (
        f"countdown {countdown!r}; the race starts in {race.start - time.time():.0f} s"
    )

    marker = page.js("window.__boardMarker = Math.random(); return window.__boardMarker")
    ingest_meeting(db, day, late_meeting, time.time())
    late_rows = [
        f'tr[data-race-id="{r.race_id}"]'
        for r in late_meeting.races
        if r.start >= time.time() - 30 * 60 and r.abandoned_at is None
    ]
    page.wait(
        "the races of a meeting announced meanwhile", lambda: all(page.count(s) == 1 for s in late_rows)
    )
    page.shot("upcoming")

    # -- the race ------------------------------------------------------------
    browser.find_element(By.CSS_SELECTOR, f"{row} a").click()
    page.wait(
        "the race view",
        lambda: (
            page.count(f'[data-view="race"][data-race-id="{race.race_id}"]') == 1
            and page.js("return window.raceday.loadedAt !== null")
        ),
    )
    page.wait("the race stream", lambda: page.js("return window.raceday.connection") == "live")
    assert page.js("return window.__boardMarker") == marker, "opening a race reloaded the page"
    entrants = db.execute(
        """SELECT entrant_id::text, win_pool_amount, is_scratched FROM raceday.entrants
                             WHERE race_id = %s ORDER BY runner_number""",
        (race.race_id,),
    ).fetchall()
    page.wait("a row per runner", lambda: page.count("tr[data-entrant-id]") == len(entrants))
    shown = dict(
        page.js("""return [...document.querySelectorAll('tr[data-entrant-id]')].map(r =>
        [r.dataset.entrantId, r.querySelector('[data-field="win_pool_amount"]').dataset.cents])""")
    )
    for entrant_id, cents, _scratched in entrants:
        assert shown[entrant_id] == ("" if cents is None else str(cents)), f"win money of {entrant_id}"
    money = next((e, c) for e, c, s in entrants if not s and c)
    assert (
        page.js(f"""return document.querySelector('tr[data-entrant-id="{money[0]}"] [data-field="win_pool_amount"]')
                       .textContent""")
        == f"${round(money[1] / 100):,}"
    )
    # The buckets polled so far, 60 down to 10, and the columns to come, down to -3.
    assert page.count('th[data-bucket="-0.5"]') == 1 and page.count('th[data-bucket="-3"]') == 1
    assert page.cell(plunger, "10")["amount"] == str(increment(db, race, plunger, 10))
    assert page.cell(plunger, "4")["amount"] is None, "a bucket not polled yet shows money"
    page.shot("race")

    # -- a poll in a later bucket arrives by SSE -----------------------------
    applied = page.js("return window.raceday.eventsApplied")
    ingest_poll(db, day, race, 240)  # 4 minutes out: bucket 4
    (cells,) = db.execute(
        "SELECT count(*) FROM api.money_flow_timeline WHERE race_id = %s AND time_interval = 4",
        (race.race_id,),
    ).fetchone()
    assert cells > 0
    page.wait("bucket 4's cells", lambda: page.count('td[data-bucket="4"][data-amount]') == cells)
    assert page.cell(plunger, "4")["amount"] == str(increment(db, race, plunger, 4))
    assert page.js("return window.__boardMarker") == marker, "the page was reloaded"
    state = page.js("return window.raceday")
    assert state["eventsApplied"] > applied and state["lastEventId"], state
    last = state["lastApplied"]
    assert last["event"] in ("poll", "alert", "status") and last["receivedAt"] <= last["renderedAt"], last
    assert page.js("return document.querySelector('[data-connection]').dataset.connection") == "live"
    assert page.js("return document.getElementById('data-age').textContent").startswith("updated ")
    # Each cell is coloured by the runner's share of the bucket's money, with
    # the six default ranges that /rpc/alert_configs answers a new user.
    cells = page.js("""return [...document.querySelectorAll('td[data-bucket][data-amount]')]
        .filter(td => !td.closest('tr').classList.contains('scratched'))
        .map(td => [td.dataset.share, td.style.backgroundColor])""")
    assert any(share for share, _ in cells)
    for share, background in cells:
        assert background == expected_background(float(share) if share else None), (share, background)
    page.shot("race-bucket-4")

    # -- the insider plunge: the surge begins two minutes out ----------------
    for back in (180, 120, 105, 90, 75):
        ingest_poll(db, day, race, back)
    assert (
        db.execute(
            "SELECT count(*) FROM raceday.race_alerts WHERE race_id = %s AND kind = 'plunge'", (race.race_id,)
        ).fetchone()[0]
        >= 1
    ), "the database raised no plunge alert"
    alert = '[data-alert-kind="plunge"]'
    page.wait("the plunge alert", lambda: page.count(alert) >= 1)
    assert page.js(f"return document.querySelector('{alert}').dataset.entrantId") == plunger
    page.wait(
        "the plunger's row highlighted",
        lambda: page.js(f"""return document.querySelector('tr[data-entrant-id="{plunger}"]')
                                  .classList.contains('plunge')"""),
    )
    # It stands out: its own colours, not those of a money alert, and a banner.
    looks = page.js(f"""const style = (el) => el && getComputedStyle(el);
        const p = style(document.querySelector('{alert}'));
        const m = style(document.querySelector('[data-alert-kind="money"]'));
        const row = style(document.querySelector('tr[data-entrant-id="{plunger}"] th'));
        const other = style(document.querySelector('tr[data-entrant-id]:not(.plunge) th'));
        const banner = document.getElementById('plunge-banner');
        return {{plunge: p.backgroundColor, border: p.borderLeftColor, money: m && m.backgroundColor,
                 row: row.backgroundColor, other: other.backgroundColor,
                 banner: !banner.hidden && banner.getBoundingClientRect().height > 0 && banner.textContent}}""")
    assert looks["plunge"] != looks["money"] and looks["border"] != looks["plunge"], looks
    assert looks["row"] != looks["other"], looks
    assert looks["banner"] and "PLUNGE" in looks["banner"], looks
    assert page.js("return window.__boardMarker") == marker, "the page was reloaded"
    OUTPUT.mkdir(exist_ok=True)
    shutil.copyfile(page.shot("plunge"), OUTPUT / "board.png")
