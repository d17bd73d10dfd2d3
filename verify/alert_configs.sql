-- Verify raceday:alert_configs on pg

SELECT indicator_id, user_id, indicator_type, percentage_range_min, percentage_range_max, color, enabled,
       display_order, audible_alerts_enabled, created_at, updated_at
FROM raceday.alert_configs WHERE false;
SELECT 1 / (count(*) = 6)::int FROM raceday.alert_config_defaults;
