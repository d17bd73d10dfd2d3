-- Verify raceday:api_alert_configs on pg

SELECT indicator_id, user_id, indicator_type, percentage_range_min, percentage_range_max, color, is_default, enabled,
       display_order, audible_alerts_enabled FROM api.alert_configs WHERE false;
SELECT 'api.alert_configs()'::regprocedure, 'api.save_alert_configs(jsonb, boolean)'::regprocedure,
       'api.reset_alert_configs()'::regprocedure;
SELECT 1 / (relrowsecurity AND relforcerowsecurity)::int FROM pg_class WHERE oid = 'raceday.alert_configs'::regclass;
SELECT 1 / (count(*) = 6)::int FROM raceday.indicators_of('verify');
