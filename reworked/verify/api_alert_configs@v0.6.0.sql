-- Verify raceday:api_alert_configs on pg

SELECT indicator_id, user_id, indicator_type, percentage_range_min, percentage_range_max, color, is_default, enabled,
       display_order, audible_alerts_enabled FROM api.alert_configs WHERE false;
SELECT 'api.save_alert_configs(text, jsonb, boolean)'::regprocedure, 'api.reset_alert_configs(text)'::regprocedure;
SELECT 1 / (count(*) = 6)::int FROM api.alert_configs('verify');
