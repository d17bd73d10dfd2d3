-- Deploy raceday:api_race_alerts to pg
-- requires: api_race_alerts@v0.6.0 api_alert_configs
-- Why: alert settings belong to the verified token's subject
-- (api_alert_configs), so the colours of a race's alerts are the signed-in
-- user's indicators, never those of a user_id the client names. An
-- anonymous caller (no sub) gets the defaults, as the board shows them.
-- api_alert_configs dropped the earlier race_alerts_for(user_id, race_id)
-- with the api.alert_configs(user_id) it read.

BEGIN;

SET LOCAL ROLE raceday_owner;

-- Runs as the owner to read the indicators; row-level security still shows
-- it the subject's only.
CREATE FUNCTION api.race_alerts_for(race_id uuid)
RETURNS TABLE (id bigint, race_id uuid, entrant_id uuid, time_interval numeric, kind text, value numeric,
               share numeric, evidence jsonb, observed_at timestamptz, created_at timestamptz, color text,
               indicator_id uuid, audible boolean)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, api, pg_temp
BEGIN ATOMIC
    SELECT a.id, a.race_id, a.entrant_id, a.time_interval, a.kind, a.value, a.share, a.evidence, a.observed_at,
           a.created_at, i.color, i.indicator_id, i.audible_alerts_enabled
    FROM api.race_alerts a
    LEFT JOIN LATERAL (
        SELECT c.color, c.indicator_id, c.audible_alerts_enabled FROM raceday.indicators_of(raceday.request_user_id()) c
        WHERE c.enabled AND a.share >= c.percentage_range_min
          AND (c.percentage_range_max IS NULL OR a.share < c.percentage_range_max)
        ORDER BY c.display_order LIMIT 1) i ON true
    WHERE a.race_id = race_alerts_for.race_id
    ORDER BY a.id;
END;
COMMENT ON FUNCTION api.race_alerts_for(uuid) IS
    'A race''s alerts with the colour of the indicator whose range holds the runner''s share (none below the first range): the signed-in user''s indicators, the defaults when anonymous.';

COMMIT;
