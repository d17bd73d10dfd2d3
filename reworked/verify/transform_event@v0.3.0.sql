-- Verify raceday:transform_event on pg

SELECT 'raceday.transform_event(bigint)'::regprocedure;
