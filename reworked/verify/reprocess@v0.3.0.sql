-- Verify raceday:reprocess on pg

SELECT 'raceday.reprocess(uuid)'::regprocedure, 'raceday.sweep(integer)'::regprocedure;
