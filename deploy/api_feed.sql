-- Deploy raceday:api_feed to pg
-- requires: change_feed api_views api_race_alerts
-- Why: what a live client receives for a change is decided here, in SQL,
-- from the same api views the HTTP API serves, so an event carries the same
-- fields as the request a client would otherwise make. live/ calls these
-- once per change of a watched race, however many clients watch it, and
-- again for a client that resumes from a cursor: the answer comes from the
-- database, so a restart loses nothing.
--
-- An event is one row: (change_id, part) is its place in the feed, part
-- counting the events of one change from 1. Race feed events, per change:
--   status  the race's api.races row, when its status or header changed
--   poll    what the poll wrote: its timeline rows (api.money_flow_timeline,
--           the bucket's latest), the runners it changed (api.entrants), the
--           pools and results when they changed, its odds moves
--   alert   one per alert it raised (api.race_alerts)
--   reset   the race was rebuilt: reload it
-- Day feed events: race (added), status (status or header), result.
-- Current rows are sent for runners, pools and results (a client replaces
-- them); history rows are those of the change's own poll.
--
-- SECURITY DEFINER: the feed table is private; these functions show only
-- what the api views show.

BEGIN;

SET LOCAL ROLE raceday_owner;

-- The arguments both feeds take, refused with 22023 (PostgREST: 400).
CREATE FUNCTION raceday.check_feed_window(after bigint, max_changes integer) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF after IS NULL OR after < 0 THEN
        RAISE EXCEPTION 'after must be a change id (0 or more), not %', after USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF max_changes IS NULL OR max_changes NOT BETWEEN 1 AND 5000 THEN
        RAISE EXCEPTION 'max_changes must be within 1..5000, not %', max_changes
            USING ERRCODE = 'invalid_parameter_value', HINT = 'The default is 500.';
    END IF;
END
$$;
COMMENT ON FUNCTION raceday.check_feed_window(bigint, integer) IS
    'Refuses a feed cursor below 0 and a max_changes outside 1..5000 (SQLSTATE 22023).';

CREATE FUNCTION api.race_feed(race_id uuid, after bigint DEFAULT 0, max_changes integer DEFAULT 500)
RETURNS TABLE (change_id bigint, part integer, event text, data jsonb)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM raceday.check_feed_window(after, max_changes);
    IF NOT EXISTS (SELECT FROM api.races r WHERE r.race_id = race_feed.race_id) THEN
        RAISE EXCEPTION 'race % not found', race_feed.race_id USING ERRCODE = 'PT404';
    END IF;
    RETURN QUERY
    WITH c AS (
        SELECT f.* FROM raceday.change_feed f
        WHERE f.race_id = race_feed.race_id AND f.id > race_feed.after
        ORDER BY f.id LIMIT max_changes
    )
    SELECT e.change_id, e.part, e.event, e.data
    FROM (
        SELECT c.id AS change_id, 1 AS part, 'status' AS event, to_jsonb(r) AS data
        FROM c JOIN api.races r ON r.race_id = c.race_id
        WHERE c.kinds && ARRAY['race_added', 'status', 'race']
        UNION ALL
        SELECT c.id, 1, 'reset', jsonb_build_object('race_id', c.race_id, 'reason', 'the race was rebuilt from its stored polls')
        FROM c WHERE 'reset' = ANY (c.kinds)
        UNION ALL
        SELECT c.id, 2, 'poll', jsonb_build_object(
            'race_id', c.race_id, 'change_id', c.id, 'staging_id', c.staging_id, 'observed_at', c.observed_at,
            'kinds', to_jsonb(c.kinds),
            'timeline', (SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY t.entrant_id), '[]')
                         FROM api.money_flow_timeline t
                         WHERE t.race_id = c.race_id AND t.event_timestamp = c.observed_at),
            'runners', (SELECT coalesce(jsonb_agg(to_jsonb(e) ORDER BY e.runner_number), '[]')
                        FROM api.entrants e WHERE e.entrant_id = ANY (c.runners)),
            'pools', CASE WHEN 'pools' = ANY (c.kinds)
                          THEN (SELECT to_jsonb(p) FROM api.race_pools p WHERE p.race_id = c.race_id) END,
            'odds', (SELECT coalesce(jsonb_agg(to_jsonb(o) ORDER BY o.entrant_id, o.odds_type), '[]')
                     FROM api.odds_history o
                     WHERE o.race_id = c.race_id AND o.event_timestamp = c.observed_at),
            'results', CASE WHEN 'results' = ANY (c.kinds)
                            THEN (SELECT to_jsonb(x) FROM api.race_results x WHERE x.race_id = c.race_id) END)
        FROM c WHERE c.kinds && ARRAY['runners', 'pools', 'results', 'money_flow', 'odds']
        UNION ALL
        SELECT c.id, 2 + row_number() OVER (PARTITION BY c.id ORDER BY a.id)::integer, 'alert', to_jsonb(a)
        FROM c JOIN api.race_alerts a ON a.race_id = c.race_id AND a.observed_at = c.observed_at
        WHERE 'alerts' = ANY (c.kinds)
    ) e
    ORDER BY e.change_id, e.part;
END
$$;
COMMENT ON FUNCTION api.race_feed(uuid, bigint, integer) IS
    'A race''s live events after a change id: status, poll (new timeline rows, changed runners, pools, results, odds moves), alert, reset. (change_id, part) orders them; at most max_changes changes.';

CREATE FUNCTION api.day_feed(after bigint DEFAULT 0, max_changes integer DEFAULT 500)
RETURNS TABLE (change_id bigint, part integer, event text, data jsonb)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM raceday.check_feed_window(after, max_changes);
    RETURN QUERY
    WITH c AS (
        SELECT f.* FROM raceday.change_feed f
        WHERE f.id > day_feed.after AND f.kinds && raceday.day_kinds()
        ORDER BY f.id LIMIT max_changes
    )
    SELECT e.change_id, e.part, e.event, e.data
    FROM (
        SELECT c.id AS change_id, 1 AS part,
               CASE WHEN 'race_added' = ANY (c.kinds) THEN 'race' ELSE 'status' END AS event, to_jsonb(r) AS data
        FROM c JOIN api.races r ON r.race_id = c.race_id
        WHERE c.kinds && ARRAY['race_added', 'status', 'race']
        UNION ALL
        SELECT c.id, 2, 'result', to_jsonb(x)
        FROM c JOIN api.race_results x ON x.race_id = c.race_id
        WHERE 'results' = ANY (c.kinds)
    ) e
    ORDER BY e.change_id, e.part;
END
$$;
COMMENT ON FUNCTION api.day_feed(bigint, integer) IS
    'The day''s live events after a change id, for a list of upcoming races: race (added), status (status or start times), result.';

CREATE FUNCTION api.feed_cursor(race_id uuid DEFAULT NULL) RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT CASE WHEN feed_cursor.race_id IS NULL
                THEN (SELECT coalesce(max(f.id), 0) FROM raceday.change_feed f WHERE f.kinds && raceday.day_kinds())
                ELSE (SELECT coalesce(max(f.id), 0) FROM raceday.change_feed f
                      WHERE f.race_id = feed_cursor.race_id) END;
END;
COMMENT ON FUNCTION api.feed_cursor(uuid) IS
    'The latest change id of a race''s feed (of the day feed without a race); 0 when there is none yet. Load the state, then follow the feed from here.';

COMMIT;
