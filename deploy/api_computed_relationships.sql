-- Deploy raceday:api_computed_relationships to pg
-- requires: api_views
-- Why: the history tables carry no foreign keys (history_foreign_keys took
-- them off for the transform's speed), so PostgREST infers no relationship
-- from api.entrants to api.odds_history or api.money_flow_timeline. A
-- function taking a row of one view and returning rows of another is how
-- PostgREST embeds without a foreign key (a computed relationship):
--   /entrants?select=*,odds_history(odds,event_timestamp)&odds_history.order=event_timestamp.desc&odds_history.limit=5
-- They are plain SQL and STABLE, so PostgreSQL inlines them into the
-- request's query: the entrant's filter reaches the history's indexes.
-- web_anon executes them by the api schema's default privileges (grants).

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE FUNCTION api.odds_history(api.entrants) RETURNS SETOF api.odds_history
LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT * FROM api.odds_history h WHERE h.race_id = $1.race_id AND h.entrant_id = $1.entrant_id;
END;
COMMENT ON FUNCTION api.odds_history(api.entrants) IS
    'Embeds a runner''s odds moves: /entrants?select=*,odds_history(odds,odds_type,event_timestamp).';

CREATE FUNCTION api.money_flow_timeline(api.entrants) RETURNS SETOF api.money_flow_timeline
LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT * FROM api.money_flow_timeline m WHERE m.race_id = $1.race_id AND m.entrant_id = $1.entrant_id;
END;
COMMENT ON FUNCTION api.money_flow_timeline(api.entrants) IS
    'Embeds a runner''s latest money flow per bucket: /entrants?select=*,money_flow_timeline(time_interval,win_pool_amount).';

COMMIT;
