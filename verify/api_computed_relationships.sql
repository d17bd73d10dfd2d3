-- Verify raceday:api_computed_relationships on pg

SELECT 'api.odds_history(api.entrants)'::regprocedure, 'api.money_flow_timeline(api.entrants)'::regprocedure;
