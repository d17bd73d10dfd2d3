-- Deploy raceday:poll_schedule to pg
-- requires: poll_targets
-- Why: how often a race is polled follows its time to start (DOMAIN.md §6):
-- TAB refreshes every ~15 s, so nothing is polled faster than that, and
-- races far from their start need little. The tiers are half-open:
--   more than 60 min to go: 5 min | (15, 60]: 60 s | (5, 15]: 30 s |
--   5 min or less, and after the start until Final/Abandoned: 15 s.
-- A next poll never jumps over a tier boundary, so the 60-minute baseline
-- bucket and the last five minutes are polled on time.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE FUNCTION raceday.poll_interval(status text, start_time timestamptz, at timestamptz)
RETURNS interval
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
    WHEN status IN ('final', 'abandoned') THEN NULL
    WHEN start_time - at > interval '60 minutes' THEN interval '5 minutes'
    WHEN start_time - at > interval '15 minutes' THEN interval '60 seconds'
    WHEN start_time - at > interval '5 minutes' THEN interval '30 seconds'
    ELSE interval '15 seconds'
END;
COMMENT ON FUNCTION raceday.poll_interval(text, timestamptz, timestamptz) IS
    'Polling interval of a race with this status and start, seen at `at`; null: stop polling.';

CREATE FUNCTION raceday.next_poll_time(status text, start_time timestamptz, at timestamptz)
RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN raceday.poll_interval(status, start_time, at) IS NOT NULL THEN least(
    at + raceday.poll_interval(status, start_time, at),
    -- the next tier boundary still ahead, if any (least() skips a null)
    CASE WHEN start_time - at > interval '60 minutes' THEN start_time - interval '60 minutes'
         WHEN start_time - at > interval '15 minutes' THEN start_time - interval '15 minutes'
         WHEN start_time - at > interval '5 minutes' THEN start_time - interval '5 minutes'
    END) END;
COMMENT ON FUNCTION raceday.next_poll_time(text, timestamptz, timestamptz) IS
    'When a race polled at `at` is due again; null once it is final or abandoned.';

-- The day's first meetings poll: at the baseline time (06:00 NZ), or at once
-- when raceday has never polled meetings (its first start).
CREATE FUNCTION raceday.plan_day(day date) RETURNS void
LANGUAGE sql
BEGIN ATOMIC
    INSERT INTO raceday.poll_targets (target, kind, day, page_offset, next_poll_at)
    SELECT format('meetings:%s:0', day), 'meetings', day, 0,
           CASE WHEN EXISTS (SELECT FROM raceday.poll_targets WHERE kind = 'meetings')
                THEN greatest(raceday.clock(), (day + s.baseline_at) AT TIME ZONE 'Pacific/Auckland')
                ELSE raceday.clock() END
    FROM raceday.settings s
    ON CONFLICT (target) DO NOTHING;
END;
COMMENT ON FUNCTION raceday.plan_day(date) IS
    'Schedules the first meetings poll of an NZ racing day (baseline time, or now on a first start).';

-- After an outage every race is overdue: those with time to spare are spread
-- over their interval instead of all firing at once; races within five
-- minutes of their start (15 s tier) stay due now.
CREATE FUNCTION raceday.spread_overdue() RETURNS integer
LANGUAGE sql
BEGIN ATOMIC
    WITH late AS (
        SELECT t.target, raceday.poll_interval(r.status, r.start_time, raceday.clock()) AS every
        FROM raceday.poll_targets t JOIN raceday.races r ON r.race_id = t.race_id
        WHERE t.kind = 'event' AND t.lease_owner IS NULL
          AND t.next_poll_at < raceday.clock() - interval '60 seconds'
    ), spread AS (
        UPDATE raceday.poll_targets t
        SET next_poll_at = raceday.clock() + random() * late.every
        FROM late
        WHERE t.target = late.target AND late.every >= interval '60 seconds'
          AND t.next_poll_at < raceday.clock() - late.every
        RETURNING 1
    )
    SELECT count(*)::integer FROM spread;
END;
COMMENT ON FUNCTION raceday.spread_overdue() IS
    'Spreads event polls overdue by more than their interval (60 s or longer) over that interval.';

COMMIT;
