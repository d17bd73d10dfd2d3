-- Deploy raceday:api_alert_configs to pg
-- requires: alert_configs api_views
-- Why: the client reads, saves and resets a user's six alert indicators
-- (DOMAIN.md §7). The view lists what users saved. A view cannot return
-- rows for a user it has never seen, so reading goes through
-- /rpc/alert_configs, which answers the six defaults for a user with none.
-- Saving validates every field and names the one at fault (SQLSTATE 22023:
-- HTTP 400). The functions run as the owner: web_anon writes no table and
-- uses nothing outside api.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE VIEW api.alert_configs AS
SELECT a.indicator_id, a.user_id, a.indicator_type, a.percentage_range_min, a.percentage_range_max, a.color,
       coalesce(a.percentage_range_min = d.percentage_range_min
                AND a.percentage_range_max IS NOT DISTINCT FROM d.percentage_range_max
                AND a.color = d.color, false) AS is_default,
       a.enabled, a.display_order, a.audible_alerts_enabled, a.created_at, a.updated_at
FROM raceday.alert_configs a
LEFT JOIN raceday.alert_config_defaults d ON d.display_order = a.display_order;
COMMENT ON VIEW api.alert_configs IS
    'Alert indicators users saved (is_default: still the default range and colour). For one user, defaults included, call /rpc/alert_configs.';

CREATE FUNCTION api.alert_configs(user_id text) RETURNS SETOF api.alert_configs
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, api
AS $$
BEGIN
    IF user_id IS NULL OR length(user_id) NOT BETWEEN 1 AND 200 THEN
        RAISE EXCEPTION 'user_id must be 1 to 200 characters'
            USING ERRCODE = 'invalid_parameter_value', DETAIL = 'field: user_id';
    END IF;
    RETURN QUERY
    SELECT * FROM api.alert_configs a WHERE a.user_id = alert_configs.user_id
    UNION ALL
    SELECT raceday.alert_config_id(alert_configs.user_id, d.display_order), alert_configs.user_id, 'percentage_range',
           d.percentage_range_min, d.percentage_range_max, d.color, true, true,
           d.display_order, true,
           NULL::timestamptz, NULL::timestamptz
    FROM raceday.alert_config_defaults d
    WHERE NOT EXISTS (SELECT FROM api.alert_configs x WHERE x.user_id = alert_configs.user_id)
    ORDER BY display_order;
END
$$;
COMMENT ON FUNCTION api.alert_configs(text) IS
    'A user''s six alert indicators in display order: those saved, or the defaults for a user with none.';

CREATE FUNCTION api.save_alert_configs(user_id text, indicators jsonb, audible_alerts_enabled boolean DEFAULT NULL)
RETURNS SETOF api.alert_configs
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, api
AS $$
#variable_conflict use_column
DECLARE
    allowed constant text[] := ARRAY['indicator_id', 'user_id', 'indicator_type', 'percentage_range_min',
        'percentage_range_max', 'color', 'is_default', 'enabled', 'display_order', 'audible_alerts_enabled',
        'created_at', 'updated_at'];
    item jsonb;
    n bigint;
    field text;
    key text;
    lo numeric;
    hi numeric;
    seen smallint[] := '{}';
    ord smallint;
BEGIN
    PERFORM api.alert_configs(save_alert_configs.user_id);  -- validates user_id
    IF jsonb_typeof(indicators) IS DISTINCT FROM 'array' OR jsonb_array_length(indicators) NOT BETWEEN 1 AND 6 THEN
        RAISE EXCEPTION 'indicators must be an array of 1 to 6 indicators'
            USING ERRCODE = 'invalid_parameter_value', DETAIL = 'field: indicators';
    END IF;
    FOR item, n IN SELECT e, i - 1 FROM jsonb_array_elements(indicators) WITH ORDINALITY AS t(e, i) LOOP
        field := format('indicators[%s]', n);
        IF jsonb_typeof(item) <> 'object' THEN
            RAISE EXCEPTION '% must be an object', field
                USING ERRCODE = 'invalid_parameter_value', DETAIL = 'field: ' || field;
        END IF;
        SELECT k INTO key FROM jsonb_object_keys(item) k WHERE k <> ALL (allowed) LIMIT 1;
        IF key IS NOT NULL THEN
            RAISE EXCEPTION '%.% is not a field of an indicator', field, key
                USING ERRCODE = 'invalid_parameter_value', DETAIL = format('field: %s.%s', field, key),
                      HINT = 'Fields: ' || array_to_string(allowed, ', ');
        END IF;
        IF jsonb_typeof(item -> 'display_order') IS DISTINCT FROM 'number'
           OR (item ->> 'display_order')::numeric NOT IN (1, 2, 3, 4, 5, 6) THEN
            RAISE EXCEPTION '%.display_order must be an integer from 1 to 6, not %', field, coalesce(item -> 'display_order', 'null')
                USING ERRCODE = 'invalid_parameter_value', DETAIL = format('field: %s.display_order', field);
        END IF;
        ord := (item ->> 'display_order')::smallint;
        IF ord = ANY (seen) THEN
            RAISE EXCEPTION '%.display_order % appears twice', field, ord
                USING ERRCODE = 'invalid_parameter_value', DETAIL = format('field: %s.display_order', field);
        END IF;
        seen := seen || ord;
        IF jsonb_typeof(item -> 'percentage_range_min') IS DISTINCT FROM 'number'
           OR (item ->> 'percentage_range_min')::numeric NOT BETWEEN 0 AND 100 THEN
            RAISE EXCEPTION '%.percentage_range_min must be a number from 0 to 100, not %', field,
                coalesce(item -> 'percentage_range_min', 'null')
                USING ERRCODE = 'invalid_parameter_value', DETAIL = format('field: %s.percentage_range_min', field);
        END IF;
        lo := (item ->> 'percentage_range_min')::numeric;
        IF coalesce(jsonb_typeof(item -> 'percentage_range_max'), 'null') NOT IN ('null', 'number') THEN
            RAISE EXCEPTION '%.percentage_range_max must be a number or null, not %', field, item -> 'percentage_range_max'
                USING ERRCODE = 'invalid_parameter_value', DETAIL = format('field: %s.percentage_range_max', field);
        END IF;
        hi := (item ->> 'percentage_range_max')::numeric;
        IF hi IS NOT NULL AND NOT (hi > lo AND hi <= 100) THEN
            RAISE EXCEPTION '%.percentage_range_max must be above percentage_range_min (%) and at most 100, not %', field, lo, hi
                USING ERRCODE = 'invalid_parameter_value', DETAIL = format('field: %s.percentage_range_max', field),
                      HINT = 'null means open ended.';
        END IF;
        IF jsonb_typeof(item -> 'color') IS DISTINCT FROM 'string' OR item ->> 'color' !~ '^#[0-9A-Fa-f]{6}$' THEN
            RAISE EXCEPTION '%.color must be a colour #RRGGBB, not %', field, coalesce(item -> 'color', 'null')
                USING ERRCODE = 'invalid_parameter_value', DETAIL = format('field: %s.color', field);
        END IF;
        IF coalesce(jsonb_typeof(item -> 'enabled'), 'boolean') <> 'boolean' THEN
            RAISE EXCEPTION '%.enabled must be true or false, not %', field, item -> 'enabled'
                USING ERRCODE = 'invalid_parameter_value', DETAIL = format('field: %s.enabled', field);
        END IF;
        IF coalesce(item ->> 'indicator_type', 'percentage_range') <> 'percentage_range' THEN
            RAISE EXCEPTION '%.indicator_type must be percentage_range, not %', field, item -> 'indicator_type'
                USING ERRCODE = 'invalid_parameter_value', DETAIL = format('field: %s.indicator_type', field);
        END IF;
        IF item ? 'user_id' AND item -> 'user_id' IS DISTINCT FROM to_jsonb(save_alert_configs.user_id) THEN
            RAISE EXCEPTION '%.user_id must be the user_id saved for (%), not %', field, save_alert_configs.user_id,
                item -> 'user_id'
                USING ERRCODE = 'invalid_parameter_value', DETAIL = format('field: %s.user_id', field);
        END IF;
    END LOOP;

    -- The user keeps six indicators: those given, else what was saved, else the default.
    INSERT INTO raceday.alert_configs AS a (indicator_id, user_id, percentage_range_min, percentage_range_max, color,
                                            enabled, display_order, audible_alerts_enabled)
    SELECT cur.indicator_id, cur.user_id,
           coalesce((g.item ->> 'percentage_range_min')::numeric, cur.percentage_range_min),
           CASE WHEN g.item IS NULL THEN cur.percentage_range_max ELSE (g.item ->> 'percentage_range_max')::numeric END,
           coalesce(upper(g.item ->> 'color'), cur.color),
           coalesce((g.item ->> 'enabled')::boolean, cur.enabled),
           cur.display_order,
           coalesce(save_alert_configs.audible_alerts_enabled, cur.audible_alerts_enabled)
    FROM api.alert_configs(save_alert_configs.user_id) cur
    LEFT JOIN (SELECT e AS item FROM jsonb_array_elements(indicators) e) g
           ON (g.item ->> 'display_order')::smallint = cur.display_order
    ON CONFLICT (indicator_id) DO UPDATE
    SET percentage_range_min = EXCLUDED.percentage_range_min, percentage_range_max = EXCLUDED.percentage_range_max,
        color = EXCLUDED.color, enabled = EXCLUDED.enabled, audible_alerts_enabled = EXCLUDED.audible_alerts_enabled;

    RETURN QUERY SELECT * FROM api.alert_configs(save_alert_configs.user_id);
END
$$;
COMMENT ON FUNCTION api.save_alert_configs(text, jsonb, boolean) IS
    'Save some or all of a user''s six indicators (matched by display_order; the rest keep their values) and, when given, audible_alerts_enabled; returns all six. A bad field is refused with 400 naming it.';

CREATE FUNCTION api.reset_alert_configs(user_id text) RETURNS SETOF api.alert_configs
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, api
AS $$
BEGIN
    PERFORM api.alert_configs(reset_alert_configs.user_id);  -- validates user_id
    DELETE FROM raceday.alert_configs a WHERE a.user_id = reset_alert_configs.user_id;
    RETURN QUERY SELECT * FROM api.alert_configs(reset_alert_configs.user_id);
END
$$;
COMMENT ON FUNCTION api.reset_alert_configs(text) IS 'Forget a user''s saved indicators; returns the six defaults.';

COMMIT;
