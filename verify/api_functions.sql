-- Verify raceday:api_functions on pg

SELECT 'api.upcoming_races(integer, integer, integer)'::regprocedure, 'api.next_scheduled_race()'::regprocedure,
       'api.race_navigation(uuid)'::regprocedure;
