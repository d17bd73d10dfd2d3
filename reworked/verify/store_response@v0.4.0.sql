-- Verify raceday:store_response on pg

SELECT 'raceday.store_response(text, text, jsonb, timestamptz, jsonb)'::regprocedure;
