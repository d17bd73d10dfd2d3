"""The simulator's ids belong to one simulated day: the same seed laid out
from another instant is the same card (names, runners, start offsets, the
plunge) under ids of its own, so a database that kept an earlier day (an
earlier `make run`) never takes a later day's race for one it knows with
another start. The same seed and start give the same ids, as tests, the
bench and a replay need."""

from __future__ import annotations

from tabsim.model import RacingDay

SEED = 11


def ids(day: RacingDay) -> set[str]:
    return (
        {m.meeting_id for m in day.meetings}
        | set(day.races)
        | {r.entrant_id for race in day.races.values() for r in race.runners}
    )


def card(day: RacingDay) -> list[tuple]:
    """The day as a person reads it, relative to its start: no ids."""
    return [
        (
            m.name,
            m.country,
            m.category,
            r.race_number,
            r.name,
            r.start - day.start,
            r.delay,
            r.final_win_pool,
            r.plunge,
            [(x.runner_number, x.name, x.strength) for x in r.runners],
        )
        for m in day.meetings
        for r in m.races
    ]


def test_a_day_laid_out_from_another_instant_has_ids_of_its_own():
    first = RacingDay(SEED, start=1_784_000_000, form_size=3)
    later = RacingDay(SEED, start=1_784_000_000 + 90, form_size=3)
    assert ids(first) & ids(later) == set()
    assert card(first) == card(later)
    plunge = later.races[later.plunge_race]
    assert (plunge.meeting_name, plunge.race_number) == (
        first.races[first.plunge_race].meeting_name,
        first.races[first.plunge_race].race_number,
    )


def test_the_same_seed_and_start_give_the_same_ids():
    assert ids(RacingDay(SEED, start=1_784_000_000, form_size=3)) == ids(
        RacingDay(SEED, start=1_784_000_000.4, form_size=70)
    )


def test_ids_are_unique_version_4_uuids_and_seeds_differ():
    day = RacingDay(SEED, start=1_784_000_000, form_size=3)
    every = (
        [m.meeting_id for m in day.meetings]
        + list(day.races)
        + [r.entrant_id for race in day.races.values() for r in race.runners]
    )
    assert len(every) == len(set(every)) > 1000
    assert all(len(i) == 36 and i[14] == "4" and i[19] in "89ab" for i in every)
    assert ids(day) & ids(RacingDay(SEED + 1, start=1_784_000_000, form_size=3)) == set()
