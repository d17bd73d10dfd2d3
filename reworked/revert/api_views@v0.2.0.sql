-- Revert raceday:api_views from pg

BEGIN;

DROP VIEW api.pipeline_status;
DROP VIEW api.race_results;
DROP VIEW api.odds_history;
DROP VIEW api.money_flow_timeline;
DROP VIEW api.race_pools;
DROP VIEW api.entrants;
DROP VIEW api.races;
DROP VIEW api.meetings;

COMMIT;
