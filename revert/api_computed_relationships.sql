-- Revert raceday:api_computed_relationships from pg

BEGIN;

DROP FUNCTION api.money_flow_timeline(api.entrants);
DROP FUNCTION api.odds_history(api.entrants);

COMMIT;
