-- Verify raceday:transform_meetings on pg

SELECT 'raceday.transform_meetings(bigint)'::regprocedure;
