-- Verify raceday:api_health on pg

SELECT 1 / (api.health() ->> 'status' IN ('healthy', 'degraded', 'down'))::int;
SELECT 1 / has_function_privilege('web_anon', 'api.health()', 'EXECUTE')::int;
