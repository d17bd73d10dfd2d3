"""A seeded racing day: meetings, races and runners, and the state of each
race at any instant (status, pools, money, odds, results).

Everything is a pure function of (seed, layout start, instant): two
simulators with the same seed and start answer the same, and a race polled twice
within one 15-second TAB refresh window gets the same data (TAB refreshes
about every 15 s, which is what makes raceday's dedupe by hash matter).
"""

from __future__ import annotations

import hashlib
import math
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

NZ = ZoneInfo("Pacific/Auckland")
REFRESH_S = 15  # TAB recomputes its data about every 15 s
TAKEOUT = 0.85  # share of the pool returned to winners

# (country, category, state, count, venue names): NZ and AUS thoroughbred and
# harness are raceday's scope; greyhounds and other countries must be filtered.
MEETING_PLAN = [
    ("NZ", "T", "NZ", 3, ["Ellerslie", "Riccarton Park", "Awapuni Synthetic", "Trentham"]),
    ("NZ", "H", "NZ", 2, ["Addington", "Alexandra Park", "Cambridge Raceway"]),
    ("AUS", "T", "NSW", 3, ["Randwick", "Rosehill Gardens", "Kembla Grange"]),
    ("AUS", "T", "VIC", 2, ["Flemington", "Caulfield", "Sandown Lakeside"]),
    ("AUS", "H", "VIC", 2, ["Melton", "Bendigo", "Ballarat"]),
    ("AUS", "H", "NSW", 1, ["Menangle", "Bathurst"]),
    ("NZ", "G", "NZ", 1, ["Manukau", "Addington Dogs"]),
    ("AUS", "G", "QLD", 2, ["Albion Park", "Ipswich", "Capalaba"]),
    ("UK", "T", "UK", 1, ["Newmarket", "Ascot"]),
    ("USA", "T", "USA", 1, ["Belmont Park", "Santa Anita"]),
    ("FR", "H", "FR", 1, ["Vincennes", "Enghien"]),
]
CATEGORY_NAMES = {"T": "Thoroughbred Horse Racing", "H": "Harness Horse Racing", "G": "Greyhound Racing"}
NAME_A = [
    "Silver",
    "Midnight",
    "Golden",
    "Royal",
    "Lucky",
    "Storm",
    "Desert",
    "Ocean",
    "Rapid",
    "Quiet",
    "Brave",
    "Flying",
    "Crimson",
    "Emerald",
    "Iron",
    "Velvet",
    "Wild",
    "Noble",
    "Cosmic",
    "Kiwi",
]
NAME_B = [
    "Arrow",
    "Dancer",
    "Legend",
    "Echo",
    "Monarch",
    "Spirit",
    "Comet",
    "Whisper",
    "Thunder",
    "Charm",
    "Harbour",
    "Rocket",
    "Ranger",
    "Tide",
    "Blaze",
    "Jewel",
    "Falcon",
    "Magic",
    "Voyager",
    "Bay",
]
PEOPLE = [
    "K Hercock",
    "M Cameron",
    "J Parkes",
    "C Grylls",
    "S Weatherley",
    "D Johnson",
    "A Herrick",
    "T Mitchell",
    "R Elliot",
    "L Allpress",
    "B Rawiller",
    "N Callow",
    "O Bosson",
    "G Lunn",
]
CONDITIONS = ["Good 3", "Good 4", "Soft 5", "Soft 6", "Heavy 8", "Synthetic", "Fast"]
WEATHER = ["Fine", "Overcast", "Showers", "Cloudy"]
RAILS = [
    "True",
    "True",
    "Out 2m",
    "Out 3m",
    "Out 4m from 1200m to the winning post",
    "Out 5m from 1000m to 200m, then true",
]
# Last starts per runner that make an event the size of a real one: about
# 28 KB per runner as TAB indents it, 400 KB for 14 runners (tabsim/payloads.py).
REAL_FORM_SIZE = 15

FORM_COMMENTS = [
    "Resumes fresh and has trialled well; can figure if ready.",
    "Ran on strongly late last start; the step up in distance suits.",
    "Honest type who keeps finding the frame at this level.",
    "Needs luck from the wide draw but has the ability to win this.",
    "Disappointing last time; better judged on earlier form.",
    "Drops in class and gets a light weight; the one to beat.",
]


@dataclass(frozen=True)
class Track:
    """What TAB tells of a meeting's track on each of its races."""

    direction: str
    surface: str
    rail_position: str


def track_of(seed: int, meeting_id: str, category: str, condition: str) -> Track:
    """The meeting's track, from a generator of its own so the day's layout
    (every other draw) stays as it was. Harness tracks run left-handed on an
    all-weather surface with no rail to move."""
    rng = _rng("track", seed, meeting_id)
    if category == "H":
        return Track("Left", "All Weather", "")
    return Track(
        rng.choice(["Left", "Right"]), "Synthetic" if condition == "Synthetic" else "Turf", rng.choice(RAILS)
    )


SILKS = [
    "Cerise & gold hoops",
    "Royal blue, white stars",
    "Black, red sash",
    "Green & white stripes",
    "Orange, navy cap",
    "White, black chevrons",
    "Purple, gold sleeves",
    "Red, white spots",
]
# product_type as TAB spells it, and the share of the Win pool each pool holds
POOLS = [
    ("Win", 1.0),
    ("Place", 0.45),
    ("Quinella", 0.5),
    ("Trifecta", 0.8),
    ("Exacta", 0.3),
    ("FirstFour", 0.5),
]


def _uuid(rng: random.Random, day_key: bytes) -> str:
    """A version-4 uuid of the day's own: the layout's stream gives 128 bits,
    hashed with the day's key (seed and start). The stream draws the same bits
    whatever the start, so the card hangs the same from any instant, and two
    days laid out at different instants share no id: a database that saw one
    day never takes another day's race for one it knows (with another start)."""
    bits = rng.getrandbits(128).to_bytes(16, "big")
    return str(uuid.UUID(bytes=hashlib.sha256(day_key + bits).digest()[:16], version=4))


def _rng(*key: object) -> random.Random:
    digest = hashlib.sha256(repr(key).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


@dataclass(frozen=True)
class Runner:
    entrant_id: str
    runner_number: int
    name: str
    barrier: int | str
    jockey: str
    trainer_name: str
    silk_colours: str
    strength: float
    scratched_at: float | None  # epoch s; None: runs
    late_scratch: bool
    emergency: bool

    def scratched(self, t: float) -> bool:
        return self.scratched_at is not None and t >= self.scratched_at


@dataclass(frozen=True)
class Race:
    race_id: str
    meeting_id: str
    meeting_name: str
    country: str
    state: str
    category: str
    race_number: int
    name: str
    start: int  # advertised start, epoch s
    delay: int  # actual start = start + delay
    distance: int
    track_condition: str
    weather: str
    runners: tuple[Runner, ...]
    final_win_pool: float  # dollars in the Win pool at the start
    abandoned_at: float | None
    plunge: int | None  # index of the runner that takes a late plunge
    omit_pools_when_final: bool  # real TAB drops tote_pools on some Final races
    flag: str  # '', 'Photo', 'Protest' or 'Inquiry' while Interim

    @property
    def actual_start(self) -> int:
        return self.start + self.delay


@dataclass(frozen=True)
class Meeting:
    meeting_id: str
    name: str
    country: str
    state: str
    category: str
    date: str  # NZ racing day, YYYY-MM-DD
    track_condition: str
    races: tuple[Race, ...] = field(default=())


@dataclass
class RaceState:
    status: str  # Open, Closed, Interim, Final, Abandoned
    money: dict[str, float]  # entrant_id -> dollars in the Win pool (runners only)
    win_pool: float
    pools: list[tuple[str, float]]
    odds: dict[str, dict[str, float]]
    hold: dict[str, int]
    bet: dict[str, int]
    results: list[Runner]


class RacingDay:
    """The day's card. `start` is the instant the layout hangs from: the first
    races go off a few minutes after it. The card is the seed's at any start;
    its ids are the (seed, start)'s own."""

    def __init__(
        self, seed: int = 1, start: float | None = None, plunge: bool = True, form_size: int = REAL_FORM_SIZE
    ):
        self.seed = seed
        # Last starts per runner in the form data: REAL_FORM_SIZE makes
        # real-size events; tests of the schedule use a few.
        self.form_size = form_size
        self.start = int(start if start is not None else datetime.now(UTC).timestamp())
        self._id_key = repr(("ids", seed, self.start)).encode()
        self.meetings: list[Meeting] = []
        self.races: dict[str, Race] = {}
        rng = _rng("day", seed)
        day = datetime.fromtimestamp(self.start, NZ).date().isoformat()
        slot = 0
        for country, category, state, count, venues in MEETING_PLAN:
            for i in range(count):
                meeting_id = _uuid(rng, self._id_key)
                name = venues[i % len(venues)]
                first = self.start + 180 + slot * 420 + rng.randint(0, 120)
                slot += 1
                n_races = rng.randint(6, 10)
                condition = rng.choice(CONDITIONS)
                races = []
                for n in range(1, n_races + 1):
                    races.append(
                        self._race(
                            rng,
                            meeting_id,
                            name,
                            country,
                            state,
                            category,
                            n,
                            first + (n - 1) * rng.choice([1500, 1800, 2100]),
                            condition,
                        )
                    )
                meeting = Meeting(meeting_id, name, country, state, category, day, condition, tuple(races))
                self.meetings.append(meeting)
                for race in races:
                    self.races[race.race_id] = race
        self.plunge_race: str | None = None
        if plunge:
            # The second race of the first NZ thoroughbred meeting: early in
            # the day, in scope, and not abandoned.
            race = self.meetings[0].races[1]
            runners = [i for i, r in enumerate(race.runners) if r.scratched_at is None]
            weakest = min(runners, key=lambda i: race.runners[i].strength)
            race = Race(**{**race.__dict__, "plunge": weakest, "abandoned_at": None})
            self.races[race.race_id] = race
            m = self.meetings[0]
            self.meetings[0] = Meeting(
                **{**m.__dict__, "races": tuple(race if r.race_id == race.race_id else r for r in m.races)}
            )
            self.plunge_race = race.race_id

    def _race(
        self,
        rng: random.Random,
        meeting_id: str,
        meeting_name: str,
        country: str,
        state: str,
        category: str,
        number: int,
        start: int,
        condition: str,
    ) -> Race:
        n = rng.randint(5, 20) if category != "G" else 8
        runners = []
        used: set[str] = set()
        for k in range(1, n + 1):
            name = f"{rng.choice(NAME_A)} {rng.choice(NAME_B)}"
            while name in used:
                name = f"{rng.choice(NAME_A)} {rng.choice(NAME_B)}"
            used.add(name)
            scratched_at = None
            late = False
            roll = rng.random()
            if roll < 0.06:
                scratched_at = float(start - 86400)  # scratched before the day
            elif roll < 0.09:
                scratched_at = float(start - rng.randint(300, 1800))  # late scratching
                late = True
            if category == "H":
                barrier: int | str = f"Fr{k}" if k <= 8 else f"Sr{k - 8}"
            else:
                barrier = rng.randint(1, n)
            runners.append(
                Runner(
                    _uuid(rng, self._id_key),
                    k,
                    name,
                    barrier,
                    rng.choice(PEOPLE),
                    rng.choice(PEOPLE),
                    rng.choice(SILKS),
                    rng.lognormvariate(0, 0.7),
                    scratched_at,
                    late,
                    rng.random() < 0.05,
                )
            )
        abandoned_at = float(start - 1800) if rng.random() < 0.03 else None
        return Race(
            race_id=_uuid(rng, self._id_key),
            meeting_id=meeting_id,
            meeting_name=meeting_name,
            country=country,
            state=state,
            category=category,
            race_number=number,
            name=f"{rng.choice(['MAIDEN', 'RATING 65', 'OPEN', 'CLASS 1', 'BENCHMARK 72'])} {rng.choice([1200, 1400, 1600, 2000, 2200])}",
            start=start,
            delay=rng.choice([0, 30, 60, 90, 166]),
            distance=rng.choice([1000, 1200, 1400, 1600, 2000, 2200, 2600]),
            track_condition=condition,
            weather=rng.choice(WEATHER),
            runners=tuple(runners),
            final_win_pool=round(rng.uniform(8_000, 150_000), 2),
            abandoned_at=abandoned_at,
            plunge=None,
            omit_pools_when_final=rng.random() < 0.25,
            flag=rng.choices(["", "Photo", "Protest", "Inquiry"], [85, 7, 4, 4])[0],
        )

    # -- state at an instant -------------------------------------------------

    @staticmethod
    def status(race: Race, t: float) -> str:
        if race.abandoned_at is not None and t >= race.abandoned_at:
            return "Abandoned"
        if t < race.actual_start:
            return "Open"
        if t < race.actual_start + 60:
            return "Closed"
        if t < race.actual_start + 240:
            return "Interim"
        return "Final"

    @staticmethod
    def _pool_fraction(minutes_to_start: float) -> float:
        """Share of the final pool already bet: money arrives faster near the start."""
        return (1.0 / (1.0 + max(minutes_to_start, 0.0) / 12.0)) ** 1.5

    def state(self, race: Race, t: float) -> RaceState:
        t = math.floor(t / REFRESH_S) * REFRESH_S
        status = self.status(race, t)
        frozen = min(t, race.actual_start)  # betting closes at the start
        minutes = (race.start - frozen) / 60.0
        win_pool = race.final_win_pool * self._pool_fraction(minutes)
        live = [r for r in race.runners if not r.scratched(frozen)]
        noise = _rng("noise", self.seed, race.race_id, frozen)
        weights = {r.entrant_id: r.strength * math.exp(noise.gauss(0, 0.04)) for r in live}
        total = sum(weights.values()) or 1.0
        money = {k: w / total * win_pool for k, w in weights.items()}
        if race.plunge is not None and minutes < 2 and race.runners[race.plunge].entrant_id in money:
            # The insider plunge: most money bet in the last two minutes goes
            # on one runner.
            at_two = race.final_win_pool * self._pool_fraction(2.0)
            late = win_pool - at_two
            target = race.runners[race.plunge].entrant_id
            money = {k: v * at_two / win_pool for k, v in money.items()}
            others = sum(v for k, v in weights.items() if k != target) or 1.0
            for k in money:
                money[k] += late * (0.6 if k == target else 0.4 * weights[k] / others)
        pools = [(name, round(win_pool * share, 2)) for name, share in POOLS]
        hold = {k: int(round(v / win_pool * 100)) if win_pool else 0 for k, v in money.items()}
        bet_rng = _rng("bet", self.seed, race.race_id, frozen)
        bet = {k: max(0, h + bet_rng.choice([-1, 0, 0, 1])) for k, h in hold.items()}
        odds = {}
        for r in race.runners:
            if r.entrant_id not in money or money[r.entrant_id] <= 0:
                odds[r.entrant_id] = {"fixed_win": 0, "fixed_place": 0, "pool_win": 0, "pool_place": 0}
                continue
            share = money[r.entrant_id] / win_pool
            pool_win = min(999.0, max(1.01, TAKEOUT / share))
            fixed_win = max(1.01, round(pool_win * 0.93 / 0.05) * 0.05)
            odds[r.entrant_id] = {
                "fixed_win": round(fixed_win, 2),
                "fixed_place": round(1 + (fixed_win - 1) / 3.8, 2),
                "pool_win": round(pool_win, 1),
                "pool_place": round(1 + (pool_win - 1) / 4.0, 1),
            }
        results: list[Runner] = []
        if status in ("Interim", "Final"):
            order_rng = _rng("result", self.seed, race.race_id)
            results = sorted(live, key=lambda r: -money[r.entrant_id] * order_rng.uniform(0.3, 1.7))
        return RaceState(status, money, win_pool, pools, odds, hold, bet, results)
