-- Deploy raceday:api_alert_configs to pg
-- requires: api_alert_configs@v0.6.0 api_race_alerts web_user
-- Why: alert settings belong to a signed-in user, and the user is who the
-- verified token says (its `sub` claim), never a user_id the client sends:
-- before, anyone could read or overwrite anyone's settings by naming them.
-- The functions take no user_id any more and read the subject from
-- request.jwt.claims, which PostgREST (or the gateway) sets per transaction
-- from a token whose signature, expiry and audience it checked. The table
-- has row-level security, forced on its owner too, so the functions (which
-- run as the owner) and the view see the subject's rows only, whatever a
-- function gets wrong. web_anon can no longer reach alert settings (grants).
-- /rpc/race_alerts_for(user_id, race_id) reads api.alert_configs(user_id)
-- and so is dropped here with it; api_race_alerts makes it again, taking
-- the race only. The view's columns and the rows the functions answer keep
-- the shapes of DOMAIN.md §7.

BEGIN;

SET LOCAL ROLE raceday_owner;

DROP FUNCTION api.race_alerts_for(text, uuid);
DROP FUNCTION api.reset_alert_configs(text);
DROP FUNCTION api.save_alert_configs(text, jsonb, boolean);
DROP FUNCTION api.alert_configs(text);

-- The subject of the request's verified token; null for an anonymous request
-- or outside a request. (set_config leaves '' behind after its transaction.)
CREATE FUNCTION raceday.request_user_id() RETURNS text
LANGUAGE sql STABLE
RETURN nullif(current_setting('request.jwt.claims', true), '')::json ->> 'sub';
COMMENT ON FUNCTION raceday.request_user_id() IS
    'The sub claim of the request''s verified token (request.jwt.claims); null when anonymous.';

-- The subject, or an error: 42501 (HTTP 403 for a token without a subject;
-- anonymous callers are refused before, by the grants, with 401).
CREATE FUNCTION raceday.signed_in_user() RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    sub constant text := raceday.request_user_id();
BEGIN
    IF sub IS NULL THEN
        RAISE EXCEPTION 'alert settings belong to a signed-in user: the token names none (no sub claim)'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF length(sub) NOT BETWEEN 1 AND 200 THEN
        RAISE EXCEPTION 'the token''s sub claim must be 1 to 200 characters'
            USING ERRCODE = 'invalid_parameter_value', DETAIL = 'field: sub';
    END IF;
    RETURN sub;
END
$$;
COMMENT ON FUNCTION raceday.signed_in_user() IS
    'The signed-in user (the token''s sub), or an error when the request has none.';

-- Row-level security, forced: the owner (the SECURITY DEFINER functions and
-- the api view) sees and writes the subject's rows only. Inlined rather than
-- calling request_user_id(): a policy reached through the view runs its
-- functions with the caller's EXECUTE rights, and web_user has none in raceday.
ALTER TABLE raceday.alert_configs ENABLE ROW LEVEL SECURITY;
ALTER TABLE raceday.alert_configs FORCE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON raceday.alert_configs
    USING (user_id = nullif(current_setting('request.jwt.claims', true), '')::json ->> 'sub')
    WITH CHECK (user_id = nullif(current_setting('request.jwt.claims', true), '')::json ->> 'sub');
COMMENT ON POLICY own_rows ON raceday.alert_configs IS
    'A user reads and writes only their own indicators: those of the verified token''s subject.';

-- A user's six indicators: those saved, else the defaults (a user of null,
-- an anonymous caller, gets the defaults with no ids).
CREATE FUNCTION raceday.indicators_of(user_id text) RETURNS SETOF api.alert_configs
LANGUAGE sql STABLE
SET search_path = pg_catalog, api, pg_temp
AS $$
    SELECT * FROM api.alert_configs a WHERE a.user_id = indicators_of.user_id
    UNION ALL
    SELECT raceday.alert_config_id(indicators_of.user_id, d.display_order), indicators_of.user_id,
           'percentage_range', d.percentage_range_min, d.percentage_range_max, d.color, true, true,
           d.display_order, true, NULL::timestamptz, NULL::timestamptz
    FROM raceday.alert_config_defaults d
    WHERE NOT EXISTS (SELECT FROM api.alert_configs x WHERE x.user_id = indicators_of.user_id)
    ORDER BY display_order
$$;
COMMENT ON FUNCTION raceday.indicators_of(text) IS
    'A user''s six indicators in display order: those saved (as row-level security lets the caller see them), else the defaults.';

CREATE FUNCTION api.alert_configs() RETURNS SETOF api.alert_configs
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, api, pg_temp
AS $$
    SELECT * FROM raceday.indicators_of(raceday.signed_in_user())
$$;
COMMENT ON FUNCTION api.alert_configs() IS
    'The signed-in user''s six alert indicators in display order: those saved, or the defaults for a user with none. Needs a token.';

CREATE FUNCTION api.save_alert_configs(indicators jsonb, audible_alerts_enabled boolean DEFAULT NULL)
RETURNS SETOF api.alert_configs
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, api, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    allowed constant text[] := ARRAY['indicator_id', 'user_id', 'indicator_type', 'percentage_range_min',
        'percentage_range_max', 'color', 'is_default', 'enabled', 'display_order', 'audible_alerts_enabled',
        'created_at', 'updated_at'];
    uid constant text := raceday.signed_in_user();
    item jsonb;
    n bigint;
    field text;
    key text;
    lo numeric;
    hi numeric;
    seen smallint[] := '{}';
    ord smallint;
BEGIN
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
        IF item ? 'user_id' AND item -> 'user_id' IS DISTINCT FROM to_jsonb(uid) THEN
            RAISE EXCEPTION '%.user_id must be the signed-in user (%), not %', field, uid,
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
    FROM raceday.indicators_of(uid) cur
    LEFT JOIN (SELECT e AS item FROM jsonb_array_elements(indicators) e) g
           ON (g.item ->> 'display_order')::smallint = cur.display_order
    ON CONFLICT (indicator_id) DO UPDATE
    SET percentage_range_min = EXCLUDED.percentage_range_min, percentage_range_max = EXCLUDED.percentage_range_max,
        color = EXCLUDED.color, enabled = EXCLUDED.enabled, audible_alerts_enabled = EXCLUDED.audible_alerts_enabled;

    RETURN QUERY SELECT * FROM raceday.indicators_of(uid);
END
$$;
COMMENT ON FUNCTION api.save_alert_configs(jsonb, boolean) IS
    'Save some or all of the signed-in user''s six indicators (matched by display_order; the rest keep their values) and, when given, audible_alerts_enabled; returns all six. Needs a token. A bad field is refused with 400 naming it.';

CREATE FUNCTION api.reset_alert_configs() RETURNS SETOF api.alert_configs
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, api, pg_temp
AS $$
DECLARE
    uid constant text := raceday.signed_in_user();
BEGIN
    DELETE FROM raceday.alert_configs a WHERE a.user_id = uid;
    RETURN QUERY SELECT * FROM raceday.indicators_of(uid);
END
$$;
COMMENT ON FUNCTION api.reset_alert_configs() IS
    'Forget the signed-in user''s saved indicators; returns the six defaults. Needs a token.';

COMMIT;
