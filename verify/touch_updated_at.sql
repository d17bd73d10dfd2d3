-- Verify raceday:touch_updated_at on pg

SELECT 'raceday.touch_updated_at()'::regprocedure;
