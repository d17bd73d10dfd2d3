-- Deploy raceday:api_race_alerts to pg
-- requires: raceday_alerts api_alert_configs
-- Why: the client shows the alerts the database raised, instead of working
-- them out itself. The view lists them (filter by race_id; page by id or
-- created_at for what is new); race_alerts_for() adds the colour of the
-- user's indicator whose range holds the runner's share of the bucket.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE VIEW api.race_alerts AS
SELECT a.id, a.race_id, a.entrant_id, a.time_interval, a.kind, a.value, a.share, a.evidence, a.observed_at,
       a.created_at
FROM raceday.race_alerts a
WHERE a.observed_at >= now() - interval '30 days';
COMMENT ON VIEW api.race_alerts IS
    'Alerts raised as polls landed: money (a runner''s share of a bucket up >= 5 points), odds (fixed win >= 5 % shorter), plunge (late money far beyond its standing while its odds tumble), with the evidence.';

CREATE FUNCTION api.race_alerts_for(user_id text, race_id uuid)
RETURNS TABLE (id bigint, race_id uuid, entrant_id uuid, time_interval numeric, kind text, value numeric,
               share numeric, evidence jsonb, observed_at timestamptz, created_at timestamptz, color text,
               indicator_id uuid, audible boolean)
LANGUAGE sql STABLE
SET search_path = pg_catalog, api
BEGIN ATOMIC
    SELECT a.id, a.race_id, a.entrant_id, a.time_interval, a.kind, a.value, a.share, a.evidence, a.observed_at,
           a.created_at, i.color, i.indicator_id, i.audible_alerts_enabled
    FROM api.race_alerts a
    LEFT JOIN LATERAL (
        SELECT c.color, c.indicator_id, c.audible_alerts_enabled FROM api.alert_configs(race_alerts_for.user_id) c
        WHERE c.enabled AND a.share >= c.percentage_range_min
          AND (c.percentage_range_max IS NULL OR a.share < c.percentage_range_max)
        ORDER BY c.display_order LIMIT 1) i ON true
    WHERE a.race_id = race_alerts_for.race_id
    ORDER BY a.id;
END;
COMMENT ON FUNCTION api.race_alerts_for(text, uuid) IS
    'A race''s alerts with the colour of the user''s indicator whose range holds the runner''s share (none below the first range).';

COMMIT;
