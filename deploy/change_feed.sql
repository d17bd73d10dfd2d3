-- Deploy raceday:change_feed to pg
-- requires: races entrants race_pools race_results money_flow_history odds_history raceday_alerts settings housekeeping
-- Why: the insider money shows in the last minute before a race, and a client
-- that polls the API every 30 s sees it up to 45 s late. The database knows
-- the moment a poll's rows commit, so it says so: each ingest that changed
-- something a client shows appends one row here (what changed, for which
-- race) and sends one pg_notify on channel raceday_changes, which PostgreSQL
-- delivers only if and when the transaction commits. A repeated poll is not
-- transformed and a quarantined one fails its transform, so neither appends
-- nor announces anything. Listeners (live/) read what clients receive with
-- the api feed functions (api_feed), keyed by the row's id: a client that
-- reconnects resumes from the database, not from anyone's memory.
--
-- Ids are a cursor, so they must not go backwards in commit order:
-- - per race they cannot: every writer of a race (the event transform, the
--   meetings transform, a reprocess) locks its races row until commit, and
--   the id is taken at the end of the transaction;
-- - across races (the day feed: races added, status, starts, results) two
--   ingests could commit in the other order than they took their ids, so a
--   change with a day kind takes its id under a transaction advisory lock
--   held until commit. It is taken last, after every row lock the
--   transaction needs, so a holder never waits for anything but its commit
--   (no deadlock). Most polls change only money and odds, and skip it.
--
-- Reset: a reprocess deletes a race's runners and rebuilds everything with
-- new history ids; the statement trigger on entrants says so, and a client
-- reloads the race.

BEGIN;

ALTER TABLE raceday.settings
    ADD COLUMN change_feed_retention interval NOT NULL DEFAULT '2 days' CHECK (change_feed_retention >= '1 hour');
COMMENT ON COLUMN raceday.settings.change_feed_retention IS
    'Change-feed rows older than this are deleted: a live client can resume from a cursor this old at most.';

SET LOCAL ROLE raceday_owner;

-- What the day's feed (upcoming races) shows; the rest is a race's own.
CREATE FUNCTION raceday.day_kinds() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ARRAY['race_added', 'status', 'race', 'results'];
COMMENT ON FUNCTION raceday.day_kinds() IS
    'Change kinds of the day feed (upcoming races): race added, status, race header (start times), results.';

CREATE TABLE raceday.change_feed (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    race_id     uuid NOT NULL,
    staging_id  bigint,
    observed_at timestamptz,
    kinds       text[] NOT NULL CHECK (cardinality(kinds) > 0 AND kinds <@ ARRAY[
                    'race_added', 'status', 'race', 'runners', 'pools', 'results', 'money_flow', 'odds', 'alerts',
                    'reset']),
    runners     uuid[] NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
COMMENT ON TABLE raceday.change_feed IS
    'One row per committed change of a race (the cursor of the live feed): which poll, what changed. Kept two days.';
COMMENT ON COLUMN raceday.change_feed.kinds IS
    'race_added, status, race (header: start times, distance, weather ...), runners, pools, results, money_flow, odds, alerts; reset: the race was rebuilt, reload it.';
COMMENT ON COLUMN raceday.change_feed.runners IS 'The runners whose row the poll changed.';
COMMENT ON COLUMN raceday.change_feed.created_at IS 'When the change was announced, just before its commit: arrival.';
-- A race's feed, and the day's (a small part of all rows).
CREATE INDEX change_feed_race_idx ON raceday.change_feed (race_id, id);
CREATE INDEX change_feed_day_idx ON raceday.change_feed (id) WHERE kinds && raceday.day_kinds();

-- Appends a change and announces it. Called last in the transaction (see
-- the header for why the lock is taken here).
CREATE FUNCTION raceday.announce(race_id uuid, kinds text[], staging_id bigint DEFAULT NULL,
                                 observed_at timestamptz DEFAULT NULL, runners uuid[] DEFAULT '{}')
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, raceday, pg_temp
AS $$
DECLARE
    new_id bigint;
    day boolean := kinds && raceday.day_kinds();
BEGIN
    IF day THEN
        PERFORM pg_advisory_xact_lock(hashtext('raceday.change_feed'));
    END IF;
    INSERT INTO raceday.change_feed (race_id, staging_id, observed_at, kinds, runners)
    VALUES (announce.race_id, announce.staging_id, announce.observed_at, announce.kinds,
            coalesce(announce.runners, '{}'))
    RETURNING id INTO new_id;
    PERFORM pg_notify('raceday_changes', json_build_object('id', new_id, 'race_id', announce.race_id,
                                                           'kinds', announce.kinds, 'day', day)::text);
    RETURN new_id;
END
$$;
COMMENT ON FUNCTION raceday.announce(uuid, text[], bigint, timestamptz, uuid[]) IS
    'Appends a change of a race to the feed and notifies raceday_changes (delivered at commit); returns its id.';

-- What an event poll changed, from what it wrote: before is the race's row
-- as it was before the poll (null fields: the race was new).
CREATE FUNCTION raceday.announce_event(staging_id bigint, before raceday.races) RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, raceday, pg_temp
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    poll  record;
    after raceday.races;
    kinds text[] := '{}';
    changed uuid[];
BEGIN
    SELECT s.target::uuid AS race_id, coalesce(s.generated_at, s.received_at) AS observed
    INTO poll FROM staging.raw_responses s WHERE s.id = announce_event.staging_id;
    SELECT * INTO after FROM raceday.races r WHERE r.race_id = poll.race_id;
    IF after.race_id IS NULL THEN
        RETURN NULL;
    END IF;
    IF before.race_id IS NULL THEN
        kinds := kinds || 'race_added'::text;
    ELSE
        IF before.status IS DISTINCT FROM after.status THEN
            kinds := kinds || 'status'::text;
        END IF;
        IF (before.start_time, before.actual_start, before.name, before.distance, before.track_condition,
            before.weather, before.field_size, before.entrant_count, before.positions_paid)
           IS DISTINCT FROM
           (after.start_time, after.actual_start, after.name, after.distance, after.track_condition,
            after.weather, after.field_size, after.entrant_count, after.positions_paid) THEN
            kinds := kinds || 'race'::text;
        END IF;
    END IF;
    -- touch_updated_at moves updated_at to now() only for a row that really
    -- changed, and now() is this transaction's.
    SELECT array_agg(e.entrant_id ORDER BY e.runner_number) INTO changed
    FROM raceday.entrants e WHERE e.race_id = poll.race_id AND e.updated_at = now();
    IF changed IS NOT NULL THEN
        kinds := kinds || 'runners'::text;
    END IF;
    -- Pools and results carry the observation time only when they changed.
    IF EXISTS (SELECT FROM raceday.race_pools p WHERE p.race_id = poll.race_id AND p.last_updated = poll.observed) THEN
        kinds := kinds || 'pools'::text;
    END IF;
    IF EXISTS (SELECT FROM raceday.race_results t
               WHERE t.race_id = poll.race_id AND t.result_time = poll.observed) THEN
        kinds := kinds || 'results'::text;
    END IF;
    IF EXISTS (SELECT FROM raceday.money_flow_history h
               WHERE h.staging_id = announce_event.staging_id AND h.event_timestamp = poll.observed) THEN
        kinds := kinds || 'money_flow'::text;
    END IF;
    IF EXISTS (SELECT FROM raceday.odds_history h
               WHERE h.staging_id = announce_event.staging_id AND h.event_timestamp = poll.observed) THEN
        kinds := kinds || 'odds'::text;
    END IF;
    IF EXISTS (SELECT FROM raceday.race_alerts a
               WHERE a.race_id = poll.race_id AND a.staging_id = announce_event.staging_id) THEN
        kinds := kinds || 'alerts'::text;
    END IF;
    IF kinds = '{}' THEN
        RETURN NULL;
    END IF;
    RETURN raceday.announce(poll.race_id, kinds, announce_event.staging_id, poll.observed, coalesce(changed, '{}'));
END
$$;
COMMENT ON FUNCTION raceday.announce_event(bigint, raceday.races) IS
    'After an event poll''s transform: announces what it changed (nothing changed: nothing announced); returns the change id.';

-- The races a meetings list added or changed: one row each, one notification.
CREATE FUNCTION raceday.announce_meetings(staging_id bigint) RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, raceday, pg_temp
AS $$
DECLARE
    n integer;
    last_id bigint;
    all_kinds text[];
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('raceday.change_feed'));
    -- A meetings list names races of one day; start_time keeps this to the index.
    WITH changed AS (
        INSERT INTO raceday.change_feed (race_id, staging_id, observed_at, kinds)
        SELECT r.race_id, announce_meetings.staging_id, now(),
               CASE WHEN r.created_at = now() THEN ARRAY['race_added']
                    WHEN r.last_status_change = now() THEN ARRAY['status']
                    ELSE ARRAY['race'] END
        FROM raceday.races r
        WHERE r.updated_at = now() AND r.start_time > now() - interval '3 days'
        ORDER BY r.start_time, r.race_id
        RETURNING id, kinds
    )
    SELECT count(*), max(id), array_agg(DISTINCT k) INTO n, last_id, all_kinds
    FROM changed CROSS JOIN LATERAL unnest(changed.kinds) AS k;
    IF n > 0 THEN
        PERFORM pg_notify('raceday_changes', json_build_object('id', last_id, 'race_id', NULL, 'races', n,
                                                               'kinds', all_kinds, 'day', true)::text);
    END IF;
    RETURN n;
END
$$;
COMMENT ON FUNCTION raceday.announce_meetings(bigint) IS
    'After a meetings list''s transform: one change per race it added or changed, one notification; returns how many.';

CREATE FUNCTION raceday.change_feed_reset() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, raceday, pg_temp
AS $$
BEGIN
    PERFORM raceday.announce(k.race_id, ARRAY['reset']) FROM (SELECT DISTINCT o.race_id FROM old_rows o) k;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION raceday.change_feed_reset() IS
    'AFTER DELETE statement trigger on entrants: a race whose runners are deleted (a reprocess) is announced as reset.';
CREATE TRIGGER change_feed_reset AFTER DELETE ON raceday.entrants
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION raceday.change_feed_reset();

CREATE FUNCTION raceday.prune_change_feed() RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, raceday, pg_temp
AS $$
DECLARE
    deleted bigint;
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('raceday.prune_change_feed')) THEN
        RETURN 0;
    END IF;
    DELETE FROM raceday.change_feed c USING raceday.settings cfg
    WHERE c.created_at < now() - cfg.change_feed_retention;
    GET DIAGNOSTICS deleted = ROW_COUNT;
    RETURN deleted;
END
$$;
COMMENT ON FUNCTION raceday.prune_change_feed() IS 'Deletes change-feed rows older than their retention; returns how many.';

RESET ROLE;

-- 14:50 GMT is 02:50 in New Zealand in winter (NZST) and 03:50 in summer
-- (NZDT): no racing either way.
SELECT cron.schedule('raceday-change-feed-retention', '50 14 * * *', 'SELECT raceday.prune_change_feed()');

COMMIT;
