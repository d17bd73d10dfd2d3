-- The deployed schema of raceday: staging, raceday, api and ops, as
-- PostgreSQL 18's pg_dump --schema-only prints them after a deploy of
-- sqitch.plan. Written by `make schema` (scripts/schema.sh); do not edit.
-- make test fails when the deployed schema and this file differ.
--
-- To read, not to run: sqitch deploys the database (deploy/).
-- Left out: the daily partitions of raceday.money_flow_history and
-- raceday.odds_history (raceday.maintain_partitions, the housekeeping, makes
-- one per NZ racing day), the sqitch registry, roles (deploy/roles.sql) and
-- extensions (deploy/extensions.sql).

-- Name: api; Type: SCHEMA; Schema: -; Owner: raceday_owner

CREATE SCHEMA api;

ALTER SCHEMA api OWNER TO raceday_owner;

-- Name: SCHEMA api; Type: COMMENT; Schema: -; Owner: raceday_owner

COMMENT ON SCHEMA api IS 'The client contract: views and functions served by PostgREST; nothing else.';

-- Name: ops; Type: SCHEMA; Schema: -; Owner: raceday_owner

CREATE SCHEMA ops;

ALTER SCHEMA ops OWNER TO raceday_owner;

-- Name: SCHEMA ops; Type: COMMENT; Schema: -; Owner: raceday_owner

COMMENT ON SCHEMA ops IS 'Views for people investigating the pipeline with psql.';

-- Name: raceday; Type: SCHEMA; Schema: -; Owner: raceday_owner

CREATE SCHEMA raceday;

ALTER SCHEMA raceday OWNER TO raceday_owner;

-- Name: SCHEMA raceday; Type: COMMENT; Schema: -; Owner: raceday_owner

COMMENT ON SCHEMA raceday IS 'Meetings, races, runners, pools, results and history derived from staging.';

-- Name: staging; Type: SCHEMA; Schema: -; Owner: raceday_owner

CREATE SCHEMA staging;

ALTER SCHEMA staging OWNER TO raceday_owner;

-- Name: SCHEMA staging; Type: COMMENT; Schema: -; Owner: raceday_owner

COMMENT ON SCHEMA staging IS 'Raw TAB responses exactly as received, before any transform; readable by the owner only.';

-- Name: alert_config_id(text, integer); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.alert_config_id(user_id text, display_order integer) RETURNS uuid
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN (md5(((('alert_configs:'::text || user_id) || ':'::text) || display_order)))::uuid;

ALTER FUNCTION raceday.alert_config_id(user_id text, display_order integer) OWNER TO raceday_owner;

-- Name: FUNCTION alert_config_id(user_id text, display_order integer); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.alert_config_id(user_id text, display_order integer) IS 'The stable id of a user''s indicator at a display order (the same for its default and its saved row).';

-- Name: alert_config_defaults; Type: TABLE; Schema: raceday; Owner: raceday_owner

CREATE TABLE raceday.alert_config_defaults (
    display_order smallint NOT NULL,
    percentage_range_min numeric(5,2) NOT NULL,
    percentage_range_max numeric(5,2),
    color text NOT NULL,
    CONSTRAINT alert_config_defaults_check CHECK (((percentage_range_max > percentage_range_min) AND (percentage_range_max <= (100)::numeric))),
    CONSTRAINT alert_config_defaults_color_check CHECK ((color ~ '^#[0-9A-F]{6}$'::text)),
    CONSTRAINT alert_config_defaults_display_order_check CHECK (((display_order >= 1) AND (display_order <= 6))),
    CONSTRAINT alert_config_defaults_percentage_range_min_check CHECK (((percentage_range_min >= (0)::numeric) AND (percentage_range_min <= (100)::numeric)))
);

ALTER TABLE raceday.alert_config_defaults OWNER TO raceday_owner;

-- Name: TABLE alert_config_defaults; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON TABLE raceday.alert_config_defaults IS 'The six default indicators: percentage ranges of a runner''s share of the money and their colours.';

-- Name: alert_configs; Type: TABLE; Schema: raceday; Owner: raceday_owner

CREATE TABLE raceday.alert_configs (
    indicator_id uuid NOT NULL,
    user_id text NOT NULL,
    indicator_type text DEFAULT 'percentage_range'::text NOT NULL,
    percentage_range_min numeric(5,2) NOT NULL,
    percentage_range_max numeric(5,2),
    color text NOT NULL,
    enabled boolean DEFAULT true NOT NULL,
    display_order smallint NOT NULL,
    audible_alerts_enabled boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT alert_configs_check CHECK (((percentage_range_max > percentage_range_min) AND (percentage_range_max <= (100)::numeric))),
    CONSTRAINT alert_configs_check1 CHECK ((indicator_id = raceday.alert_config_id(user_id, (display_order)::integer))),
    CONSTRAINT alert_configs_color_check CHECK ((color ~ '^#[0-9A-F]{6}$'::text)),
    CONSTRAINT alert_configs_display_order_check CHECK (((display_order >= 1) AND (display_order <= 6))),
    CONSTRAINT alert_configs_indicator_type_check CHECK ((indicator_type = 'percentage_range'::text)),
    CONSTRAINT alert_configs_percentage_range_min_check CHECK (((percentage_range_min >= (0)::numeric) AND (percentage_range_min <= (100)::numeric))),
    CONSTRAINT alert_configs_user_id_check CHECK (((length(user_id) >= 1) AND (length(user_id) <= 200)))
);

ALTER TABLE ONLY raceday.alert_configs FORCE ROW LEVEL SECURITY;

ALTER TABLE raceday.alert_configs OWNER TO raceday_owner;

-- Name: TABLE alert_configs; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON TABLE raceday.alert_configs IS 'Indicators a user saved; a user with none stored sees raceday.alert_config_defaults. Colours are kept upper case.';

-- Name: alert_configs; Type: VIEW; Schema: api; Owner: raceday_owner

CREATE VIEW api.alert_configs AS
 SELECT a.indicator_id,
    a.user_id,
    a.indicator_type,
    a.percentage_range_min,
    a.percentage_range_max,
    a.color,
    COALESCE(((a.percentage_range_min = d.percentage_range_min) AND (NOT (a.percentage_range_max IS DISTINCT FROM d.percentage_range_max)) AND (a.color = d.color)), false) AS is_default,
    a.enabled,
    a.display_order,
    a.audible_alerts_enabled,
    a.created_at,
    a.updated_at
   FROM (raceday.alert_configs a
     LEFT JOIN raceday.alert_config_defaults d ON ((d.display_order = a.display_order)));

ALTER VIEW api.alert_configs OWNER TO raceday_owner;

-- Name: VIEW alert_configs; Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON VIEW api.alert_configs IS 'Alert indicators users saved (is_default: still the default range and colour). For one user, defaults included, call /rpc/alert_configs.';

-- Name: alert_configs(); Type: FUNCTION; Schema: api; Owner: raceday_owner

CREATE FUNCTION api.alert_configs() RETURNS SETOF api.alert_configs
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'api', 'pg_temp'
    AS $$
    SELECT * FROM raceday.indicators_of(raceday.signed_in_user())
$$;

ALTER FUNCTION api.alert_configs() OWNER TO raceday_owner;

-- Name: FUNCTION alert_configs(); Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON FUNCTION api.alert_configs() IS 'The signed-in user''s six alert indicators in display order: those saved, or the defaults for a user with none. Needs a token.';

-- Name: day_feed(bigint, integer); Type: FUNCTION; Schema: api; Owner: raceday_owner

CREATE FUNCTION api.day_feed(after bigint DEFAULT 0, max_changes integer DEFAULT 500) RETURNS TABLE(change_id bigint, part integer, event text, data jsonb)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    PERFORM raceday.check_feed_window(after, max_changes);
    RETURN QUERY
    WITH c AS (
        SELECT f.* FROM raceday.change_feed f
        WHERE f.id > day_feed.after AND f.kinds && raceday.day_kinds()
        ORDER BY f.id LIMIT max_changes
    )
    SELECT e.change_id, e.part, e.event, e.data
    FROM (
        SELECT c.id AS change_id, 1 AS part,
               CASE WHEN 'race_added' = ANY (c.kinds) THEN 'race' ELSE 'status' END AS event, to_jsonb(r) AS data
        FROM c JOIN api.races r ON r.race_id = c.race_id
        WHERE c.kinds && ARRAY['race_added', 'status', 'race']
        UNION ALL
        SELECT c.id, 2, 'result', to_jsonb(x)
        FROM c JOIN api.race_results x ON x.race_id = c.race_id
        WHERE 'results' = ANY (c.kinds)
    ) e
    ORDER BY e.change_id, e.part;
END
$$;

ALTER FUNCTION api.day_feed(after bigint, max_changes integer) OWNER TO raceday_owner;

-- Name: FUNCTION day_feed(after bigint, max_changes integer); Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON FUNCTION api.day_feed(after bigint, max_changes integer) IS 'The day''s live events after a change id, for a list of upcoming races: race (added), status (status or start times), result.';

-- Name: day_kinds(); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.day_kinds() RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY['race_added'::text, 'status'::text, 'race'::text, 'results'::text];

ALTER FUNCTION raceday.day_kinds() OWNER TO raceday_owner;

-- Name: FUNCTION day_kinds(); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.day_kinds() IS 'Change kinds of the day feed (upcoming races): race added, status, race header (start times), results.';

-- Name: change_feed; Type: TABLE; Schema: raceday; Owner: raceday_owner

CREATE TABLE raceday.change_feed (
    id bigint NOT NULL,
    race_id uuid NOT NULL,
    staging_id bigint,
    observed_at timestamp with time zone,
    kinds text[] NOT NULL,
    runners uuid[] DEFAULT '{}'::uuid[] NOT NULL,
    created_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT change_feed_kinds_check CHECK (((cardinality(kinds) > 0) AND (kinds <@ ARRAY['race_added'::text, 'status'::text, 'race'::text, 'runners'::text, 'pools'::text, 'results'::text, 'money_flow'::text, 'odds'::text, 'alerts'::text, 'reset'::text])))
);

ALTER TABLE raceday.change_feed OWNER TO raceday_owner;

-- Name: TABLE change_feed; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON TABLE raceday.change_feed IS 'One row per committed change of a race (the cursor of the live feed): which poll, what changed. Kept two days.';

-- Name: COLUMN change_feed.kinds; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.change_feed.kinds IS 'race_added, status, race (header: start times, distance, weather ...), runners, pools, results, money_flow, odds, alerts; reset: the race was rebuilt, reload it.';

-- Name: COLUMN change_feed.runners; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.change_feed.runners IS 'The runners whose row the poll changed.';

-- Name: COLUMN change_feed.created_at; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.change_feed.created_at IS 'When the change was announced, just before its commit: arrival.';

-- Name: feed_cursor(uuid); Type: FUNCTION; Schema: api; Owner: raceday_owner

CREATE FUNCTION api.feed_cursor(race_id uuid DEFAULT NULL::uuid) RETURNS bigint
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    BEGIN ATOMIC
 SELECT
         CASE
             WHEN (race_id IS NULL) THEN ( SELECT COALESCE(max(f.id), (0)::bigint) AS "coalesce"
                FROM raceday.change_feed f
               WHERE (f.kinds && raceday.day_kinds()))
             ELSE ( SELECT COALESCE(max(f.id), (0)::bigint) AS "coalesce"
                FROM raceday.change_feed f
               WHERE (f.race_id = feed_cursor.race_id))
         END AS "coalesce";
END;

ALTER FUNCTION api.feed_cursor(race_id uuid) OWNER TO raceday_owner;

-- Name: FUNCTION feed_cursor(race_id uuid); Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON FUNCTION api.feed_cursor(race_id uuid) IS 'The latest change id of a race''s feed (of the day feed without a race); 0 when there is none yet. Load the state, then follow the feed from here.';

-- Name: health(); Type: FUNCTION; Schema: api; Owner: raceday_owner

CREATE FUNCTION api.health() RETURNS json
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'raceday', 'pg_temp'
    AS $$
DECLARE
    clock constant timestamptz := raceday.clock();
    open_races bigint;
    shortest interval;
    ingest_age numeric;
    lag numeric;
    error_rate numeric;
    quarantined bigint;
    checks json[];
    worst int;
BEGIN
    -- Races open and still polled: while there are none, no ingest is due.
    SELECT count(*), min(raceday.poll_interval(r.status, r.start_time, clock))
    INTO open_races, shortest
    FROM raceday.poll_targets t JOIN raceday.races r ON r.race_id = t.race_id
    WHERE t.kind = 'event' AND t.next_poll_at IS NOT NULL AND r.status = 'open';
    IF open_races > 0 THEN
        SELECT round(extract(epoch FROM clock - max(t.last_polled_at)), 1) INTO ingest_age
        FROM raceday.poll_targets t;
    END IF;
    SELECT round(extract(epoch FROM coalesce(max(l.overdue_by), interval '0')), 1) INTO lag FROM ops.pipeline_lag l;
    SELECT round(100.0 * coalesce(sum(f.failed), 0) / nullif(sum(f.responses), 0), 1) INTO error_rate
    FROM ops.fetch_errors f;
    SELECT count(*) INTO quarantined FROM ops.failed_polls p
    WHERE p.failure = 'quarantined' AND p.received_at >= now() - interval '1 hour';

    SELECT array_agg(json_build_object('name', c.name,
                                       'value', CASE WHEN c.n = 1 THEN to_json('up'::text) ELSE to_json(c.value) END,
                                       'threshold', json_build_object('degraded', c.degraded, 'down', c.down),
                                       'verdict', c.verdict) ORDER BY c.n),
           max(CASE c.verdict WHEN 'ok' THEN 0 WHEN 'degraded' THEN 1 ELSE 2 END)
    INTO checks, worst
    FROM (SELECT n, name, value, degraded, down,
                 CASE WHEN value IS NULL THEN 'ok'
                      WHEN down IS NOT NULL AND value > down THEN 'down'
                      WHEN value > degraded THEN 'degraded'
                      ELSE 'ok' END AS verdict
          FROM (VALUES
              (1, 'database', NULL::numeric, NULL::numeric, NULL::numeric),
              -- No open race: no ingest is expected, the age is not judged.
              (2, 'newest_ingest_age_s', ingest_age,
                  2 * extract(epoch FROM shortest) + 30, 1800),
              (3, 'pipeline_lag_s', lag, 60, 1800),
              (4, 'fetch_error_rate_pct', error_rate, 10, NULL),
              (5, 'quarantined_last_hour', quarantined::numeric, 5, NULL)
          ) v(n, name, value, degraded, down)) c;

    IF worst = 2 THEN
        PERFORM set_config('response.status', '503', true);
    END IF;
    PERFORM set_config('response.headers', '[{"Cache-Control": "no-store"}]', true);
    RETURN json_build_object(
        'status', (ARRAY['healthy', 'degraded', 'down'])[worst + 1],
        'checked_at', now(), 'clock', clock, 'open_races', open_races,
        'checks', array_to_json(checks));
END
$$;

ALTER FUNCTION api.health() OWNER TO raceday_owner;

-- Name: FUNCTION health(); Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON FUNCTION api.health() IS 'Whether raceday is live: status healthy, degraded or down (HTTP 503), and each check (database, newest_ingest_age_s, pipeline_lag_s, fetch_error_rate_pct, quarantined_last_hour) with its value, thresholds and verdict.';

-- Name: entrants; Type: TABLE; Schema: raceday; Owner: raceday_owner

CREATE TABLE raceday.entrants (
    entrant_id uuid NOT NULL,
    race_id uuid NOT NULL,
    name text NOT NULL,
    runner_number integer NOT NULL,
    barrier text,
    jockey text,
    trainer_name text,
    silk_colours text,
    silk_url_64x64 text,
    silk_url_128x128 text,
    is_scratched boolean DEFAULT false NOT NULL,
    is_late_scratched boolean DEFAULT false NOT NULL,
    scratch_time timestamp with time zone,
    is_emergency boolean DEFAULT false NOT NULL,
    favourite boolean DEFAULT false NOT NULL,
    mover boolean DEFAULT false NOT NULL,
    fixed_win_odds numeric(10,2),
    fixed_place_odds numeric(10,2),
    pool_win_odds numeric(10,2),
    pool_place_odds numeric(10,2),
    hold_percentage numeric(7,2),
    bet_percentage numeric(7,2),
    win_pool_amount bigint,
    place_pool_amount bigint,
    win_pool_percentage numeric(7,2),
    place_pool_percentage numeric(7,2),
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    weight_allocated numeric(5,2),
    weight_total numeric(5,2),
    form_comment text,
    last_twenty_starts text,
    CONSTRAINT entrants_fixed_place_odds_check CHECK ((fixed_place_odds > (0)::numeric)),
    CONSTRAINT entrants_fixed_win_odds_check CHECK ((fixed_win_odds > (0)::numeric)),
    CONSTRAINT entrants_pool_place_odds_check CHECK ((pool_place_odds > (0)::numeric)),
    CONSTRAINT entrants_pool_win_odds_check CHECK ((pool_win_odds > (0)::numeric)),
    CONSTRAINT entrants_runner_number_check CHECK ((runner_number >= 0))
);

ALTER TABLE raceday.entrants OWNER TO raceday_owner;

-- Name: TABLE entrants; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON TABLE raceday.entrants IS 'Runners of each race with their latest odds and money figures.';

-- Name: COLUMN entrants.barrier; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.entrants.barrier IS 'Text: an integer for gallops, e.g. Fr1 or Sr2 for harness mobile starts.';

-- Name: COLUMN entrants.win_pool_amount; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.entrants.win_pool_amount IS 'Integer cents: Win pool total x hold percentage.';

-- Name: COLUMN entrants.weight_allocated; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.entrants.weight_allocated IS 'The weight allocated to carry, kg (TAB''s weight.allocated).';

-- Name: COLUMN entrants.weight_total; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.entrants.weight_total IS 'The weight carried with any allowance, kg (TAB''s weight.total).';

-- Name: COLUMN entrants.form_comment; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.entrants.form_comment IS 'TAB''s comment on the runner''s form.';

-- Name: COLUMN entrants.last_twenty_starts; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.entrants.last_twenty_starts IS 'The runner''s last starts, latest last: a placing digit each, 0 for tenth or worse, x for a spell.';

-- Name: races; Type: TABLE; Schema: raceday; Owner: raceday_owner

CREATE TABLE raceday.races (
    race_id uuid NOT NULL,
    meeting_id uuid NOT NULL,
    name text NOT NULL,
    race_number integer NOT NULL,
    start_time timestamp with time zone NOT NULL,
    actual_start timestamp with time zone,
    status text DEFAULT 'open'::text NOT NULL,
    distance integer,
    track_condition text,
    weather text,
    type text,
    field_size integer,
    entrant_count integer,
    positions_paid integer,
    silk_url text,
    race_date_nz date,
    start_time_nz text,
    last_status_change timestamp with time zone,
    finalized_at timestamp with time zone,
    abandoned_at timestamp with time zone,
    last_poll_time timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    track_direction text,
    track_surface text,
    rail_position text,
    CONSTRAINT races_distance_check CHECK ((distance >= 0)),
    CONSTRAINT races_entrant_count_check CHECK ((entrant_count >= 0)),
    CONSTRAINT races_field_size_check CHECK ((field_size >= 0)),
    CONSTRAINT races_positions_paid_check CHECK ((positions_paid >= 0)),
    CONSTRAINT races_race_number_check CHECK ((race_number > 0)),
    CONSTRAINT races_status_check CHECK ((status = ANY (ARRAY['open'::text, 'closed'::text, 'interim'::text, 'final'::text, 'abandoned'::text]))),
    CONSTRAINT races_type_check CHECK ((type = ANY (ARRAY['T'::text, 'H'::text, 'G'::text])))
);

ALTER TABLE raceday.races OWNER TO raceday_owner;

-- Name: TABLE races; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON TABLE raceday.races IS 'Races, from the meetings list and refined by each event poll.';

-- Name: COLUMN races.start_time; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.races.start_time IS 'Advertised start (UTC instant).';

-- Name: COLUMN races.start_time_nz; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.races.start_time_nz IS 'TAB''s local start text, e.g. 12:50:00 NZST.';

-- Name: COLUMN races.track_direction; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.races.track_direction IS 'Which way the track is run (TAB''s track_direction: Left, Right).';

-- Name: COLUMN races.track_surface; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.races.track_surface IS 'The track''s surface (TAB''s track_surface: Turf, Synthetic, ...).';

-- Name: COLUMN races.rail_position; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.races.rail_position IS 'Where the rail is, as TAB words it (rail_position).';

-- Name: entrants; Type: VIEW; Schema: api; Owner: raceday_owner

CREATE VIEW api.entrants AS
 SELECT e.entrant_id,
    e.race_id,
    e.name,
    e.runner_number,
    e.barrier,
    e.jockey,
    e.trainer_name,
    e.silk_colours,
    e.silk_url_64x64,
    e.silk_url_128x128,
    e.is_scratched,
    e.is_late_scratched,
    e.scratch_time,
    e.is_emergency,
    e.favourite,
    e.mover,
    e.fixed_win_odds,
    e.fixed_place_odds,
    e.pool_win_odds,
    e.pool_place_odds,
    e.hold_percentage,
    e.bet_percentage,
    e.win_pool_amount,
    e.place_pool_amount,
    e.win_pool_percentage,
    e.place_pool_percentage,
    e.updated_at,
    e.created_at,
    e.weight_allocated,
    e.weight_total,
    e.form_comment,
    e.last_twenty_starts
   FROM (raceday.entrants e
     JOIN raceday.races r USING (race_id))
  WHERE (r.start_time >= (now() - '30 days'::interval));

ALTER VIEW api.entrants OWNER TO raceday_owner;

-- Name: VIEW entrants; Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON VIEW api.entrants IS 'Runners with their current odds and money (cents); filter by race_id.';

-- Name: COLUMN entrants.created_at; Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON COLUMN api.entrants.created_at IS 'When raceday first stored the runner.';

-- Name: COLUMN entrants.weight_allocated; Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON COLUMN api.entrants.weight_allocated IS 'The weight allocated to carry, kg (null for harness).';

-- Name: COLUMN entrants.weight_total; Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON COLUMN api.entrants.weight_total IS 'The weight carried with any allowance, kg (null for harness).';

-- Name: COLUMN entrants.form_comment; Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON COLUMN api.entrants.form_comment IS 'TAB''s comment on the runner''s form (often null).';

-- Name: COLUMN entrants.last_twenty_starts; Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON COLUMN api.entrants.last_twenty_starts IS 'The runner''s last starts, latest last: a placing digit each, 0 for tenth or worse, x for a spell.';

-- Name: money_flow_latest; Type: TABLE; Schema: raceday; Owner: raceday_owner

CREATE TABLE raceday.money_flow_latest (
    id bigint CONSTRAINT money_flow_history_id_not_null NOT NULL,
    race_id uuid CONSTRAINT money_flow_history_race_id_not_null NOT NULL,
    entrant_id uuid CONSTRAINT money_flow_history_entrant_id_not_null NOT NULL,
    staging_id bigint CONSTRAINT money_flow_history_staging_id_not_null NOT NULL,
    type text CONSTRAINT money_flow_history_type_not_null NOT NULL,
    pool_type text CONSTRAINT money_flow_history_pool_type_not_null NOT NULL,
    time_interval numeric(5,1) CONSTRAINT money_flow_history_time_interval_not_null NOT NULL,
    time_to_start numeric(9,3) CONSTRAINT money_flow_history_time_to_start_not_null NOT NULL,
    interval_type text CONSTRAINT money_flow_history_interval_type_not_null NOT NULL,
    hold_percentage numeric(7,2),
    bet_percentage numeric(7,2),
    win_pool_amount bigint,
    place_pool_amount bigint,
    win_pool_percentage numeric(7,2),
    place_pool_percentage numeric(7,2),
    incremental_win_amount bigint,
    incremental_place_amount bigint,
    incremental_amount bigint,
    fixed_win_odds numeric(10,2),
    fixed_place_odds numeric(10,2),
    pool_win_odds numeric(10,2),
    pool_place_odds numeric(10,2),
    event_timestamp timestamp with time zone CONSTRAINT money_flow_history_event_timestamp_not_null NOT NULL,
    polling_timestamp timestamp with time zone CONSTRAINT money_flow_history_polling_timestamp_not_null NOT NULL,
    created_at timestamp with time zone CONSTRAINT money_flow_history_created_at_not_null NOT NULL
);

ALTER TABLE raceday.money_flow_latest OWNER TO raceday_owner;

-- Name: TABLE money_flow_latest; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON TABLE raceday.money_flow_latest IS 'The latest money_flow_history row of each race, runner and bucket; kept by triggers on the history.';

-- Name: money_flow_timeline; Type: VIEW; Schema: api; Owner: raceday_owner

CREATE VIEW api.money_flow_timeline AS
 SELECT id,
    race_id,
    entrant_id,
    type,
    pool_type,
    time_interval,
    time_to_start,
    interval_type,
    hold_percentage,
    bet_percentage,
    win_pool_amount,
    place_pool_amount,
    win_pool_percentage,
    place_pool_percentage,
    incremental_win_amount,
    incremental_place_amount,
    incremental_amount,
    fixed_win_odds,
    fixed_place_odds,
    pool_win_odds,
    pool_place_odds,
    event_timestamp,
    polling_timestamp,
    created_at
   FROM raceday.money_flow_latest h
  WHERE (event_timestamp >= (now() - '30 days'::interval));

ALTER VIEW api.money_flow_timeline OWNER TO raceday_owner;

-- Name: VIEW money_flow_timeline; Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON VIEW api.money_flow_timeline IS 'The latest money-flow row per race, runner and bucket (the client shows the latest of a bucket). Filter by race_id and entrant_id; page by id or created_at to fetch only what is new.';

-- Name: money_flow_timeline(api.entrants); Type: FUNCTION; Schema: api; Owner: raceday_owner

CREATE FUNCTION api.money_flow_timeline(api.entrants) RETURNS SETOF api.money_flow_timeline
    LANGUAGE sql STABLE
    BEGIN ATOMIC
 SELECT m.id,
     m.race_id,
     m.entrant_id,
     m.type,
     m.pool_type,
     m.time_interval,
     m.time_to_start,
     m.interval_type,
     m.hold_percentage,
     m.bet_percentage,
     m.win_pool_amount,
     m.place_pool_amount,
     m.win_pool_percentage,
     m.place_pool_percentage,
     m.incremental_win_amount,
     m.incremental_place_amount,
     m.incremental_amount,
     m.fixed_win_odds,
     m.fixed_place_odds,
     m.pool_win_odds,
     m.pool_place_odds,
     m.event_timestamp,
     m.polling_timestamp,
     m.created_at
    FROM api.money_flow_timeline m
   WHERE ((m.race_id = ($1).race_id) AND (m.entrant_id = ($1).entrant_id));
END;

ALTER FUNCTION api.money_flow_timeline(api.entrants) OWNER TO raceday_owner;

-- Name: FUNCTION money_flow_timeline(api.entrants); Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON FUNCTION api.money_flow_timeline(api.entrants) IS 'Embeds a runner''s latest money flow per bucket: /entrants?select=*,money_flow_timeline(time_interval,win_pool_amount).';

-- Name: meetings; Type: TABLE; Schema: raceday; Owner: raceday_owner

CREATE TABLE raceday.meetings (
    meeting_id uuid NOT NULL,
    meeting_name text NOT NULL,
    country text NOT NULL,
    category text NOT NULL,
    date date NOT NULL,
    state text,
    track_condition text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT meetings_category_check CHECK ((category = ANY (ARRAY['T'::text, 'H'::text, 'G'::text]))),
    CONSTRAINT meetings_country_check CHECK ((country ~ '^[A-Z]{2,3}$'::text))
);

ALTER TABLE raceday.meetings OWNER TO raceday_owner;

-- Name: TABLE meetings; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON TABLE raceday.meetings IS 'Race meetings from GET /racing/meetings; date is the NZ racing day.';

-- Name: COLUMN meetings.category; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.meetings.category IS 'TAB category: T thoroughbred, H harness, G greyhound.';

-- Name: races; Type: VIEW; Schema: api; Owner: raceday_owner

CREATE VIEW api.races AS
 SELECT r.race_id,
    r.meeting_id,
    m.meeting_name,
    r.name,
    r.race_number,
    r.start_time,
    r.actual_start,
    r.status,
    r.distance,
    r.track_condition,
    r.weather,
    r.type,
        CASE r.type
            WHEN 'T'::text THEN 'thoroughbred'::text
            WHEN 'H'::text THEN 'harness'::text
            WHEN 'G'::text THEN 'greyhound'::text
            ELSE NULL::text
        END AS race_type,
    r.field_size,
    r.entrant_count,
    r.positions_paid,
    r.silk_url,
    r.race_date_nz,
    r.start_time_nz,
    r.last_status_change,
    r.finalized_at,
    r.abandoned_at,
    r.last_poll_time,
    r.updated_at,
    r.created_at,
    r.track_direction,
    r.track_surface,
    r.rail_position
   FROM (raceday.races r
     JOIN raceday.meetings m USING (meeting_id))
  WHERE (r.start_time >= (now() - '30 days'::interval));

ALTER VIEW api.races OWNER TO raceday_owner;

-- Name: VIEW races; Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON VIEW api.races IS 'Races of the last 30 days onwards, with their meeting''s name; statuses lower case.';

-- Name: COLUMN races.field_size; Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON COLUMN api.races.field_size IS 'How many runners go to the start: the field less its scratchings.';

-- Name: COLUMN races.entrant_count; Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON COLUMN api.races.entrant_count IS 'How many runners the race was carded with, scratched ones included.';

-- Name: COLUMN races.created_at; Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON COLUMN api.races.created_at IS 'When raceday first stored the race.';

-- Name: COLUMN races.track_direction; Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON COLUMN api.races.track_direction IS 'Which way the track is run (Left, Right).';

-- Name: COLUMN races.track_surface; Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON COLUMN api.races.track_surface IS 'The track''s surface (Turf, Synthetic, ...).';

-- Name: COLUMN races.rail_position; Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON COLUMN api.races.rail_position IS 'Where the rail is, in TAB''s words.';

-- Name: next_scheduled_race(); Type: FUNCTION; Schema: api; Owner: raceday_owner

CREATE FUNCTION api.next_scheduled_race() RETURNS SETOF api.races
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'api'
    BEGIN ATOMIC
 SELECT r.race_id,
     r.meeting_id,
     r.meeting_name,
     r.name,
     r.race_number,
     r.start_time,
     r.actual_start,
     r.status,
     r.distance,
     r.track_condition,
     r.weather,
     r.type,
     r.race_type,
     r.field_size,
     r.entrant_count,
     r.positions_paid,
     r.silk_url,
     r.race_date_nz,
     r.start_time_nz,
     r.last_status_change,
     r.finalized_at,
     r.abandoned_at,
     r.last_poll_time,
     r.updated_at,
     r.created_at,
     r.track_direction,
     r.track_surface,
     r.rail_position
    FROM api.races r
   WHERE ((r.start_time > now()) AND (r.status = 'open'::text))
   ORDER BY r.start_time, r.race_id
  LIMIT 1;
END;

ALTER FUNCTION api.next_scheduled_race() OWNER TO raceday_owner;

-- Name: FUNCTION next_scheduled_race(); Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON FUNCTION api.next_scheduled_race() IS 'The next open race of the day to start (none when nothing is left).';

-- Name: odds_history; Type: TABLE; Schema: raceday; Owner: raceday_owner

CREATE TABLE raceday.odds_history (
    id bigint NOT NULL,
    race_id uuid NOT NULL,
    entrant_id uuid NOT NULL,
    staging_id bigint NOT NULL,
    odds_type text NOT NULL,
    odds numeric(10,2) NOT NULL,
    event_timestamp timestamp with time zone NOT NULL,
    created_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT odds_history_odds_check CHECK ((odds > (0)::numeric)),
    CONSTRAINT odds_history_odds_type_check CHECK ((odds_type = ANY (ARRAY['fixed_win'::text, 'fixed_place'::text, 'pool_win'::text, 'pool_place'::text])))
)
PARTITION BY RANGE (event_timestamp);

ALTER TABLE raceday.odds_history OWNER TO raceday_owner;

-- Name: TABLE odds_history; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON TABLE raceday.odds_history IS 'Odds moves (> 0.01) per runner and odds type; daily partitions on NZ racing days.';

-- Name: COLUMN odds_history.event_timestamp; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.odds_history.event_timestamp IS 'Observation time of the poll that saw the move. Partition key.';

-- Name: odds_history; Type: VIEW; Schema: api; Owner: raceday_owner

CREATE VIEW api.odds_history AS
 SELECT id,
    race_id,
    entrant_id,
    odds_type,
    odds,
    event_timestamp,
    created_at
   FROM raceday.odds_history h
  WHERE ((event_timestamp >= (now() - '30 days'::interval)) AND (event_timestamp < (now() + '2 days'::interval)));

ALTER VIEW api.odds_history OWNER TO raceday_owner;

-- Name: VIEW odds_history; Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON VIEW api.odds_history IS 'Odds moves (> 0.01) per runner and type; filter by race_id or entrant_id.';

-- Name: odds_history(api.entrants); Type: FUNCTION; Schema: api; Owner: raceday_owner

CREATE FUNCTION api.odds_history(api.entrants) RETURNS SETOF api.odds_history
    LANGUAGE sql STABLE
    BEGIN ATOMIC
 SELECT h.id,
     h.race_id,
     h.entrant_id,
     h.odds_type,
     h.odds,
     h.event_timestamp,
     h.created_at
    FROM api.odds_history h
   WHERE ((h.race_id = ($1).race_id) AND (h.entrant_id = ($1).entrant_id));
END;

ALTER FUNCTION api.odds_history(api.entrants) OWNER TO raceday_owner;

-- Name: FUNCTION odds_history(api.entrants); Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON FUNCTION api.odds_history(api.entrants) IS 'Embeds a runner''s odds moves: /entrants?select=*,odds_history(odds,odds_type,event_timestamp).';

-- Name: indicators_of(text); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.indicators_of(user_id text) RETURNS SETOF api.alert_configs
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'api', 'pg_temp'
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

ALTER FUNCTION raceday.indicators_of(user_id text) OWNER TO raceday_owner;

-- Name: FUNCTION indicators_of(user_id text); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.indicators_of(user_id text) IS 'A user''s six indicators in display order: those saved (as row-level security lets the caller see them), else the defaults.';

-- Name: request_user_id(); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.request_user_id() RETURNS text
    LANGUAGE sql STABLE
    RETURN ((NULLIF(current_setting('request.jwt.claims'::text, true), ''::text))::json ->> 'sub'::text);

ALTER FUNCTION raceday.request_user_id() OWNER TO raceday_owner;

-- Name: FUNCTION request_user_id(); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.request_user_id() IS 'The sub claim of the request''s verified token (request.jwt.claims); null when anonymous.';

-- Name: race_alerts; Type: TABLE; Schema: raceday; Owner: raceday_owner

CREATE TABLE raceday.race_alerts (
    id bigint NOT NULL,
    race_id uuid NOT NULL,
    entrant_id uuid NOT NULL,
    time_interval numeric(5,1) NOT NULL,
    kind text NOT NULL,
    value numeric(9,2) NOT NULL,
    share numeric(9,2),
    evidence jsonb NOT NULL,
    staging_id bigint NOT NULL,
    observed_at timestamp with time zone NOT NULL,
    created_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT race_alerts_kind_check CHECK ((kind = ANY (ARRAY['money'::text, 'odds'::text, 'plunge'::text])))
);

ALTER TABLE raceday.race_alerts OWNER TO raceday_owner;

-- Name: TABLE race_alerts; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON TABLE raceday.race_alerts IS 'Alerts per runner, bucket and kind: money (share of the bucket up >= 5 points), odds (>= 5 % shorter), plunge.';

-- Name: COLUMN race_alerts.value; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.race_alerts.value IS 'Points of share gained (money, plunge) or percent the odds shortened (odds).';

-- Name: COLUMN race_alerts.share; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.race_alerts.share IS 'The runner''s share (%) of the money that arrived in the bucket.';

-- Name: race_alerts; Type: VIEW; Schema: api; Owner: raceday_owner

CREATE VIEW api.race_alerts AS
 SELECT id,
    race_id,
    entrant_id,
    time_interval,
    kind,
    value,
    share,
    evidence,
    observed_at,
    created_at
   FROM raceday.race_alerts a
  WHERE (observed_at >= (now() - '30 days'::interval));

ALTER VIEW api.race_alerts OWNER TO raceday_owner;

-- Name: VIEW race_alerts; Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON VIEW api.race_alerts IS 'Alerts raised as polls landed: money (a runner''s share of a bucket up >= 5 points), odds (fixed win >= 5 % shorter), plunge (late money far beyond its standing while its odds tumble), with the evidence.';

-- Name: race_alerts_for(uuid); Type: FUNCTION; Schema: api; Owner: raceday_owner

CREATE FUNCTION api.race_alerts_for(race_id uuid) RETURNS TABLE(id bigint, race_id uuid, entrant_id uuid, time_interval numeric, kind text, value numeric, share numeric, evidence jsonb, observed_at timestamp with time zone, created_at timestamp with time zone, color text, indicator_id uuid, audible boolean)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'api', 'pg_temp'
    BEGIN ATOMIC
 SELECT a.id,
     a.race_id,
     a.entrant_id,
     a.time_interval,
     a.kind,
     a.value,
     a.share,
     a.evidence,
     a.observed_at,
     a.created_at,
     i.color,
     i.indicator_id,
     i.audible_alerts_enabled
    FROM (api.race_alerts a
      LEFT JOIN LATERAL ( SELECT c.color,
             c.indicator_id,
             c.audible_alerts_enabled
            FROM raceday.indicators_of(raceday.request_user_id()) c(indicator_id, user_id, indicator_type, percentage_range_min, percentage_range_max, color, is_default, enabled, display_order, audible_alerts_enabled, created_at, updated_at)
           WHERE (c.enabled AND (a.share >= c.percentage_range_min) AND ((c.percentage_range_max IS NULL) OR (a.share < c.percentage_range_max)))
           ORDER BY c.display_order
          LIMIT 1) i ON (true))
   WHERE (a.race_id = race_alerts_for.race_id)
   ORDER BY a.id;
END;

ALTER FUNCTION api.race_alerts_for(race_id uuid) OWNER TO raceday_owner;

-- Name: FUNCTION race_alerts_for(race_id uuid); Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON FUNCTION api.race_alerts_for(race_id uuid) IS 'A race''s alerts with the colour of the indicator whose range holds the runner''s share (none below the first range): the signed-in user''s indicators, the defaults when anonymous.';

-- Name: race_feed(uuid, bigint, integer); Type: FUNCTION; Schema: api; Owner: raceday_owner

CREATE FUNCTION api.race_feed(race_id uuid, after bigint DEFAULT 0, max_changes integer DEFAULT 500) RETURNS TABLE(change_id bigint, part integer, event text, data jsonb)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    PERFORM raceday.check_feed_window(after, max_changes);
    IF NOT EXISTS (SELECT FROM api.races r WHERE r.race_id = race_feed.race_id) THEN
        RAISE EXCEPTION 'race % not found', race_feed.race_id USING ERRCODE = 'PT404';
    END IF;
    RETURN QUERY
    WITH c AS (
        SELECT f.* FROM raceday.change_feed f
        WHERE f.race_id = race_feed.race_id AND f.id > race_feed.after
        ORDER BY f.id LIMIT max_changes
    )
    SELECT e.change_id, e.part, e.event, e.data
    FROM (
        SELECT c.id AS change_id, 1 AS part, 'status' AS event, to_jsonb(r) AS data
        FROM c JOIN api.races r ON r.race_id = c.race_id
        WHERE c.kinds && ARRAY['race_added', 'status', 'race']
        UNION ALL
        SELECT c.id, 1, 'reset', jsonb_build_object('race_id', c.race_id, 'reason', 'the race was rebuilt from its stored polls')
        FROM c WHERE 'reset' = ANY (c.kinds)
        UNION ALL
        SELECT c.id, 2, 'poll', jsonb_build_object(
            'race_id', c.race_id, 'change_id', c.id, 'staging_id', c.staging_id, 'observed_at', c.observed_at,
            'kinds', to_jsonb(c.kinds),
            'timeline', (SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY t.entrant_id), '[]')
                         FROM api.money_flow_timeline t
                         WHERE t.race_id = c.race_id AND t.event_timestamp = c.observed_at),
            'runners', (SELECT coalesce(jsonb_agg(to_jsonb(e) ORDER BY e.runner_number), '[]')
                        FROM api.entrants e WHERE e.entrant_id = ANY (c.runners)),
            'pools', CASE WHEN 'pools' = ANY (c.kinds)
                          THEN (SELECT to_jsonb(p) FROM api.race_pools p WHERE p.race_id = c.race_id) END,
            'odds', (SELECT coalesce(jsonb_agg(to_jsonb(o) ORDER BY o.entrant_id, o.odds_type), '[]')
                     FROM api.odds_history o
                     WHERE o.race_id = c.race_id AND o.event_timestamp = c.observed_at),
            'results', CASE WHEN 'results' = ANY (c.kinds)
                            THEN (SELECT to_jsonb(x) FROM api.race_results x WHERE x.race_id = c.race_id) END)
        FROM c WHERE c.kinds && ARRAY['runners', 'pools', 'results', 'money_flow', 'odds']
        UNION ALL
        SELECT c.id, 2 + row_number() OVER (PARTITION BY c.id ORDER BY a.id)::integer, 'alert', to_jsonb(a)
        FROM c JOIN api.race_alerts a ON a.race_id = c.race_id AND a.observed_at = c.observed_at
        WHERE 'alerts' = ANY (c.kinds)
    ) e
    ORDER BY e.change_id, e.part;
END
$$;

ALTER FUNCTION api.race_feed(race_id uuid, after bigint, max_changes integer) OWNER TO raceday_owner;

-- Name: FUNCTION race_feed(race_id uuid, after bigint, max_changes integer); Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON FUNCTION api.race_feed(race_id uuid, after bigint, max_changes integer) IS 'A race''s live events after a change id: status, poll (new timeline rows, changed runners, pools, results, odds moves), alert, reset. (change_id, part) orders them; at most max_changes changes.';

-- Name: race_navigation(uuid); Type: FUNCTION; Schema: api; Owner: raceday_owner

CREATE FUNCTION api.race_navigation(race_id uuid) RETURNS TABLE(previous_race jsonb, next_race jsonb, next_scheduled_race jsonb)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'api'
    AS $$
DECLARE
    here api.races;
BEGIN
    SELECT * INTO here FROM api.races r WHERE r.race_id = race_navigation.race_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'race % not found', race_navigation.race_id USING ERRCODE = 'PT404', HINT = 'Races are kept 30 days.';
    END IF;
    RETURN QUERY
    SELECT (SELECT jsonb_build_object('race_id', p.race_id, 'name', p.name, 'race_number', p.race_number,
                                      'start_time', p.start_time, 'status', p.status, 'meeting_name', p.meeting_name)
            FROM api.races p WHERE p.meeting_id = here.meeting_id AND p.race_number < here.race_number
            ORDER BY p.race_number DESC LIMIT 1),
           (SELECT jsonb_build_object('race_id', n.race_id, 'name', n.name, 'race_number', n.race_number,
                                      'start_time', n.start_time, 'status', n.status, 'meeting_name', n.meeting_name)
            FROM api.races n WHERE n.meeting_id = here.meeting_id AND n.race_number > here.race_number
            ORDER BY n.race_number LIMIT 1),
           (SELECT jsonb_build_object('race_id', s.race_id, 'name', s.name, 'race_number', s.race_number,
                                      'start_time', s.start_time, 'status', s.status, 'meeting_name', s.meeting_name)
            FROM api.next_scheduled_race() s);
END
$$;

ALTER FUNCTION api.race_navigation(race_id uuid) OWNER TO raceday_owner;

-- Name: FUNCTION race_navigation(race_id uuid); Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON FUNCTION api.race_navigation(race_id uuid) IS 'The previous and next race of a race''s meeting and the next scheduled race of the day (with meeting_name).';

-- Name: reset_alert_configs(); Type: FUNCTION; Schema: api; Owner: raceday_owner

CREATE FUNCTION api.reset_alert_configs() RETURNS SETOF api.alert_configs
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'api', 'pg_temp'
    AS $$
DECLARE
    uid constant text := raceday.signed_in_user();
BEGIN
    DELETE FROM raceday.alert_configs a WHERE a.user_id = uid;
    RETURN QUERY SELECT * FROM raceday.indicators_of(uid);
END
$$;

ALTER FUNCTION api.reset_alert_configs() OWNER TO raceday_owner;

-- Name: FUNCTION reset_alert_configs(); Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON FUNCTION api.reset_alert_configs() IS 'Forget the signed-in user''s saved indicators; returns the six defaults. Needs a token.';

-- Name: save_alert_configs(jsonb, boolean); Type: FUNCTION; Schema: api; Owner: raceday_owner

CREATE FUNCTION api.save_alert_configs(indicators jsonb, audible_alerts_enabled boolean DEFAULT NULL::boolean) RETURNS SETOF api.alert_configs
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'api', 'pg_temp'
    AS $_$
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
$_$;

ALTER FUNCTION api.save_alert_configs(indicators jsonb, audible_alerts_enabled boolean) OWNER TO raceday_owner;

-- Name: FUNCTION save_alert_configs(indicators jsonb, audible_alerts_enabled boolean); Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON FUNCTION api.save_alert_configs(indicators jsonb, audible_alerts_enabled boolean) IS 'Save some or all of the signed-in user''s six indicators (matched by display_order; the rest keep their values) and, when given, audible_alerts_enabled; returns all six. Needs a token. A bad field is refused with 400 naming it.';

-- Name: upcoming_races(integer, integer, integer); Type: FUNCTION; Schema: api; Owner: raceday_owner

CREATE FUNCTION api.upcoming_races(window_minutes integer DEFAULT 120, lookback_minutes integer DEFAULT 5, max_races integer DEFAULT 50) RETURNS SETOF api.races
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'api'
    AS $$
BEGIN
    IF window_minutes IS NULL OR window_minutes NOT BETWEEN 1 AND 1440 THEN
        RAISE EXCEPTION 'window_minutes must be within 1..1440, not %', window_minutes
            USING ERRCODE = 'invalid_parameter_value', HINT = 'The default is 120.';
    END IF;
    IF lookback_minutes IS NULL OR lookback_minutes NOT BETWEEN 0 AND 240 THEN
        RAISE EXCEPTION 'lookback_minutes must be within 0..240, not %', lookback_minutes
            USING ERRCODE = 'invalid_parameter_value', HINT = 'The default is 5.';
    END IF;
    IF max_races IS NULL OR max_races NOT BETWEEN 1 AND 500 THEN
        RAISE EXCEPTION 'max_races must be within 1..500, not %', max_races
            USING ERRCODE = 'invalid_parameter_value', HINT = 'The default is 50.';
    END IF;
    RETURN QUERY
    SELECT * FROM api.races r
    WHERE r.start_time BETWEEN now() - make_interval(mins => lookback_minutes)
                           AND now() + make_interval(mins => window_minutes)
      AND r.status <> 'abandoned'
    ORDER BY r.start_time, r.race_id
    LIMIT max_races;
END
$$;

ALTER FUNCTION api.upcoming_races(window_minutes integer, lookback_minutes integer, max_races integer) OWNER TO raceday_owner;

-- Name: FUNCTION upcoming_races(window_minutes integer, lookback_minutes integer, max_races integer); Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON FUNCTION api.upcoming_races(window_minutes integer, lookback_minutes integer, max_races integer) IS 'Races starting within the next window_minutes (and the last lookback_minutes), soonest first, at most max_races; abandoned ones left out.';

-- Name: pipeline_metrics(); Type: FUNCTION; Schema: ops; Owner: raceday_owner

CREATE FUNCTION ops.pipeline_metrics() RETURNS TABLE(metric text, labels jsonb, value double precision)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'raceday', 'pg_temp'
    AS $$
    WITH kinds(kind) AS (VALUES ('meetings'), ('event')),
    polled AS (
        SELECT t.kind, t.next_poll_at, t.lease_until, t.late_streak
        FROM raceday.poll_targets t WHERE t.next_poll_at IS NOT NULL
    )
    -- Polling: how far behind the schedule, and how many are waiting.
    SELECT 'raceday_pipeline_lag_seconds', jsonb_build_object('kind', k.kind),
           coalesce(extract(epoch FROM max(raceday.clock() - p.next_poll_at)
                            FILTER (WHERE p.next_poll_at <= raceday.clock())), 0)::double precision
    FROM kinds k LEFT JOIN polled p ON p.kind = k.kind GROUP BY k.kind
    UNION ALL
    SELECT 'raceday_pipeline_overdue_targets', jsonb_build_object('kind', k.kind),
           count(p.kind) FILTER (WHERE p.next_poll_at <= raceday.clock()
                                   AND (p.lease_until IS NULL OR p.lease_until < now()))
    FROM kinds k LEFT JOIN polled p ON p.kind = k.kind GROUP BY k.kind
    UNION ALL
    SELECT 'raceday_pipeline_late_poll_streak_max', jsonb_build_object('kind', k.kind),
           coalesce(max(p.late_streak), 0)
    FROM kinds k LEFT JOIN polled p ON p.kind = k.kind GROUP BY k.kind
    UNION ALL
    SELECT 'raceday_pipeline_open_races', '{}', count(*)
    FROM raceday.poll_targets t JOIN raceday.races r ON r.race_id = t.race_id
    WHERE t.kind = 'event' AND t.next_poll_at IS NOT NULL AND r.status = 'open'
    UNION ALL
    -- The latest successful ingest (it sets last_polled_at), on the schedule's clock.
    SELECT 'raceday_pipeline_ingest_age_seconds', '{}',
           coalesce(extract(epoch FROM raceday.clock() - max(t.last_polled_at)), 'NaN')::double precision
    FROM raceday.poll_targets t
    UNION ALL
    SELECT 'raceday_pipeline_stopped_targets', '{}', count(*)
    FROM raceday.poll_targets t WHERE t.stopped_at > raceday.clock() - interval '24 hours'
    UNION ALL
    -- Staging: quarantined polls (stored, transform failed) of the last 24 hours, and its size.
    SELECT 'raceday_pipeline_quarantined_polls', '{}', count(*)
    FROM staging.raw_responses s
    WHERE s.received_at >= now() - interval '24 hours' AND s.transform_error IS NOT NULL
    UNION ALL
    SELECT 'raceday_pipeline_staging_bytes', '{}', pg_total_relation_size('staging.raw_responses')
    UNION ALL
    SELECT 'raceday_pipeline_staging_rows', '{}', greatest(c.reltuples, 0)
    FROM pg_class c WHERE c.oid = 'staging.raw_responses'::regclass
    UNION ALL
    -- History partitions: NZ days made ahead of today (the job keeps 7).
    SELECT 'raceday_pipeline_partition_days_ahead', jsonb_build_object('table', t.parent),
           coalesce(max(p.racing_day) - raceday.nz_racing_day(now()), -1)
    FROM (VALUES ('raceday.money_flow_history'), ('raceday.odds_history')) t(parent)
    LEFT JOIN ops.partitions p ON p.parent = t.parent
    GROUP BY t.parent
    UNION ALL
    -- pg_cron: each job's latest run.
    SELECT 'raceday_pipeline_cron_job_failed', jsonb_build_object('job', j.jobname),
           coalesce(j.last_status = 'failed', false)::integer
    FROM raceday.cron_jobs() j
    UNION ALL
    SELECT 'raceday_pipeline_cron_job_last_run_timestamp_seconds', jsonb_build_object('job', j.jobname),
           coalesce(extract(epoch FROM j.last_start), 0)::double precision
    FROM raceday.cron_jobs() j
    UNION ALL
    -- The server's connections, of every database, against its maximum:
    -- the sessions of login roles (the owner is no superuser and sees
    -- other roles' backend_type as null; pg_cron's launcher is one of them).
    SELECT 'raceday_db_connections', jsonb_build_object('role', a.usename::text), count(*)
    FROM pg_stat_activity a WHERE a.usename IS NOT NULL GROUP BY a.usename
    UNION ALL
    SELECT 'raceday_db_max_connections', '{}', current_setting('max_connections')::double precision
$$;

ALTER FUNCTION ops.pipeline_metrics() OWNER TO raceday_owner;

-- Name: FUNCTION pipeline_metrics(); Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON FUNCTION ops.pipeline_metrics() IS 'The pipeline''s state as Prometheus series (metric, labels, value): lag, late polls, quarantined polls, partitions ahead, staging size, pg_cron runs, connections. docs/metrics.md says what each means.';

-- Name: announce(uuid, text[], bigint, timestamp with time zone, uuid[]); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.announce(race_id uuid, kinds text[], staging_id bigint DEFAULT NULL::bigint, observed_at timestamp with time zone DEFAULT NULL::timestamp with time zone, runners uuid[] DEFAULT '{}'::uuid[]) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'raceday', 'pg_temp'
    AS $$
DECLARE
    new_id bigint;
    day boolean := kinds && raceday.day_kinds();
BEGIN
    IF day THEN
        PERFORM pg_advisory_xact_lock(hashtext('raceday.change_feed'));
    END IF;
    INSERT INTO raceday.change_feed (race_id, staging_id, observed_at, kinds, runners)
    VALUES (announce.race_id, announce.staging_id, announce.observed_at, announce.kinds,
            coalesce(announce.runners, '{}'))
    RETURNING id INTO new_id;
    PERFORM pg_notify('raceday_changes', json_build_object('id', new_id, 'race_id', announce.race_id,
                                                           'kinds', announce.kinds, 'day', day)::text);
    RETURN new_id;
END
$$;

ALTER FUNCTION raceday.announce(race_id uuid, kinds text[], staging_id bigint, observed_at timestamp with time zone, runners uuid[]) OWNER TO raceday_owner;

-- Name: FUNCTION announce(race_id uuid, kinds text[], staging_id bigint, observed_at timestamp with time zone, runners uuid[]); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.announce(race_id uuid, kinds text[], staging_id bigint, observed_at timestamp with time zone, runners uuid[]) IS 'Appends a change of a race to the feed and notifies raceday_changes (delivered at commit); returns its id.';

-- Name: announce_event(bigint, raceday.races); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.announce_event(staging_id bigint, before raceday.races) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'raceday', 'pg_temp'
    SET plan_cache_mode TO 'force_generic_plan'
    AS $$
DECLARE
    poll  record;
    after raceday.races;
    kinds text[] := '{}';
    changed uuid[];
BEGIN
    SELECT s.target::uuid AS race_id, coalesce(s.generated_at, s.received_at) AS observed
    INTO poll FROM staging.raw_responses s WHERE s.id = announce_event.staging_id;
    SELECT * INTO after FROM raceday.races r WHERE r.race_id = poll.race_id;
    IF after.race_id IS NULL THEN
        RETURN NULL;
    END IF;
    IF before.race_id IS NULL THEN
        kinds := kinds || 'race_added'::text;
    ELSE
        IF before.status IS DISTINCT FROM after.status THEN
            kinds := kinds || 'status'::text;
        END IF;
        IF (before.start_time, before.actual_start, before.name, before.distance, before.track_condition,
            before.weather, before.field_size, before.entrant_count, before.positions_paid)
           IS DISTINCT FROM
           (after.start_time, after.actual_start, after.name, after.distance, after.track_condition,
            after.weather, after.field_size, after.entrant_count, after.positions_paid) THEN
            kinds := kinds || 'race'::text;
        END IF;
    END IF;
    -- touch_updated_at moves updated_at to now() only for a row that really
    -- changed, and now() is this transaction's.
    SELECT array_agg(e.entrant_id ORDER BY e.runner_number) INTO changed
    FROM raceday.entrants e WHERE e.race_id = poll.race_id AND e.updated_at = now();
    IF changed IS NOT NULL THEN
        kinds := kinds || 'runners'::text;
    END IF;
    -- Pools and results carry the observation time only when they changed.
    IF EXISTS (SELECT FROM raceday.race_pools p WHERE p.race_id = poll.race_id AND p.last_updated = poll.observed) THEN
        kinds := kinds || 'pools'::text;
    END IF;
    IF EXISTS (SELECT FROM raceday.race_results t
               WHERE t.race_id = poll.race_id AND t.result_time = poll.observed) THEN
        kinds := kinds || 'results'::text;
    END IF;
    IF EXISTS (SELECT FROM raceday.money_flow_history h
               WHERE h.staging_id = announce_event.staging_id AND h.event_timestamp = poll.observed) THEN
        kinds := kinds || 'money_flow'::text;
    END IF;
    IF EXISTS (SELECT FROM raceday.odds_history h
               WHERE h.staging_id = announce_event.staging_id AND h.event_timestamp = poll.observed) THEN
        kinds := kinds || 'odds'::text;
    END IF;
    IF EXISTS (SELECT FROM raceday.race_alerts a
               WHERE a.race_id = poll.race_id AND a.staging_id = announce_event.staging_id) THEN
        kinds := kinds || 'alerts'::text;
    END IF;
    IF kinds = '{}' THEN
        RETURN NULL;
    END IF;
    RETURN raceday.announce(poll.race_id, kinds, announce_event.staging_id, poll.observed, coalesce(changed, '{}'));
END
$$;

ALTER FUNCTION raceday.announce_event(staging_id bigint, before raceday.races) OWNER TO raceday_owner;

-- Name: FUNCTION announce_event(staging_id bigint, before raceday.races); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.announce_event(staging_id bigint, before raceday.races) IS 'After an event poll''s transform: announces what it changed (nothing changed: nothing announced); returns the change id.';

-- Name: announce_meetings(bigint); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.announce_meetings(staging_id bigint) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'raceday', 'pg_temp'
    AS $$
DECLARE
    n integer;
    last_id bigint;
    all_kinds text[];
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('raceday.change_feed'));
    -- A meetings list names races of one day; start_time keeps this to the index.
    WITH changed AS (
        INSERT INTO raceday.change_feed (race_id, staging_id, observed_at, kinds)
        SELECT r.race_id, announce_meetings.staging_id, now(),
               CASE WHEN r.created_at = now() THEN ARRAY['race_added']
                    WHEN r.last_status_change = now() THEN ARRAY['status']
                    ELSE ARRAY['race'] END
        FROM raceday.races r
        WHERE r.updated_at = now() AND r.start_time > now() - interval '3 days'
        ORDER BY r.start_time, r.race_id
        RETURNING id, kinds
    )
    SELECT count(*), max(id), array_agg(DISTINCT k) INTO n, last_id, all_kinds
    FROM changed CROSS JOIN LATERAL unnest(changed.kinds) AS k;
    IF n > 0 THEN
        PERFORM pg_notify('raceday_changes', json_build_object('id', last_id, 'race_id', NULL, 'races', n,
                                                               'kinds', all_kinds, 'day', true)::text);
    END IF;
    RETURN n;
END
$$;

ALTER FUNCTION raceday.announce_meetings(staging_id bigint) OWNER TO raceday_owner;

-- Name: FUNCTION announce_meetings(staging_id bigint); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.announce_meetings(staging_id bigint) IS 'After a meetings list''s transform: one change per race it added or changed, one notification; returns how many.';

-- Name: archives; Type: TABLE; Schema: raceday; Owner: raceday_owner

CREATE TABLE raceday.archives (
    day date NOT NULL,
    kind text NOT NULL,
    path text NOT NULL,
    rows bigint NOT NULL,
    bytes bigint NOT NULL,
    raw_bytes bigint NOT NULL,
    sha256 text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    verified_at timestamp with time zone,
    verify_error text,
    deleted bigint DEFAULT 0 NOT NULL,
    CONSTRAINT archives_bytes_check CHECK ((bytes >= 0)),
    CONSTRAINT archives_check CHECK (((deleted >= 0) AND (deleted <= rows))),
    CONSTRAINT archives_kind_check CHECK ((kind = ANY (ARRAY['raw'::text, 'money_flow_history'::text, 'odds_history'::text]))),
    CONSTRAINT archives_raw_bytes_check CHECK ((raw_bytes >= 0)),
    CONSTRAINT archives_rows_check CHECK ((rows >= 0)),
    CONSTRAINT archives_sha256_check CHECK ((sha256 ~ '^[0-9a-f]{64}$'::text))
);

ALTER TABLE raceday.archives OWNER TO raceday_owner;

-- Name: TABLE archives; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON TABLE raceday.archives IS 'One archive file per NZ racing day and kind (raw responses, or a history partition), written by python -m archive.';

-- Name: COLUMN archives.path; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.archives.path IS 'The file, relative to the archive directory.';

-- Name: COLUMN archives.rows; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.archives.rows IS 'Rows in the file: what the database held when it was written.';

-- Name: COLUMN archives.bytes; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.archives.bytes IS 'Size of the compressed file.';

-- Name: COLUMN archives.raw_bytes; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.archives.raw_bytes IS 'Size of the COPY text it holds, uncompressed.';

-- Name: COLUMN archives.sha256; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.archives.sha256 IS 'sha256 of the compressed file, as its manifest says.';

-- Name: COLUMN archives.verified_at; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.archives.verified_at IS 'When the file was last read back and found whole; null when it is missing or damaged (verify_error says how).';

-- Name: COLUMN archives.deleted; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.archives.deleted IS 'Rows retention has deleted since: the rows still in the database are rows - deleted.';

-- Name: archive_problem(date, text, bigint); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.archive_problem(day date, kind text, held bigint) RETURNS text
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'raceday', 'pg_temp'
    RETURN (SELECT CASE WHEN (a.day IS NULL) THEN format('%s of %s has no archive'::text, archive_problem.kind, archive_problem.day) WHEN (a.verified_at IS NULL) THEN format('the archive of %s of %s (%s) is not verified: %s'::text, archive_problem.kind, archive_problem.day, a.path, COALESCE(a.verify_error, 'never read back'::text)) WHEN ((a.rows - a.deleted) <> archive_problem.held) THEN format('the archive of %s of %s holds %s rows, the database %s'::text, archive_problem.kind, archive_problem.day, (a.rows - a.deleted), archive_problem.held) ELSE NULL::text END AS "case" FROM ((SELECT) one LEFT JOIN raceday.archives a ON (((a.day = archive_problem.day) AND (a.kind = archive_problem.kind)))));

ALTER FUNCTION raceday.archive_problem(day date, kind text, held bigint) OWNER TO raceday_owner;

-- Name: FUNCTION archive_problem(day date, kind text, held bigint); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.archive_problem(day date, kind text, held bigint) IS 'Why the held rows of a day and kind may not be deleted (no archive, not verified, a different count); null if they may.';

-- Name: change_feed_reset(); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.change_feed_reset() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'raceday', 'pg_temp'
    AS $$
BEGIN
    PERFORM raceday.announce(k.race_id, ARRAY['reset']) FROM (SELECT DISTINCT o.race_id FROM old_rows o) k;
    RETURN NULL;
END
$$;

ALTER FUNCTION raceday.change_feed_reset() OWNER TO raceday_owner;

-- Name: FUNCTION change_feed_reset(); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.change_feed_reset() IS 'AFTER DELETE statement trigger on entrants: a race whose runners are deleted (a reprocess) is announced as reset.';

-- Name: check_feed_window(bigint, integer); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.check_feed_window(after bigint, max_changes integer) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    IF after IS NULL OR after < 0 THEN
        RAISE EXCEPTION 'after must be a change id (0 or more), not %', after USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF max_changes IS NULL OR max_changes NOT BETWEEN 1 AND 5000 THEN
        RAISE EXCEPTION 'max_changes must be within 1..5000, not %', max_changes
            USING ERRCODE = 'invalid_parameter_value', HINT = 'The default is 500.';
    END IF;
END
$$;

ALTER FUNCTION raceday.check_feed_window(after bigint, max_changes integer) OWNER TO raceday_owner;

-- Name: FUNCTION check_feed_window(after bigint, max_changes integer); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.check_feed_window(after bigint, max_changes integer) IS 'Refuses a feed cursor below 0 and a max_changes outside 1..5000 (SQLSTATE 22023).';

-- Name: check_observation_time(bigint); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.check_observation_time(staging_id bigint) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'raceday', 'pg_temp'
    AS $$
DECLARE
    src record;
    tolerance interval := (SELECT s.generated_time_tolerance FROM raceday.settings s);
BEGIN
    SELECT r.generated_at,
           coalesce(r.clock_skew,
                    least(greatest(r.generated_at, r.received_at - interval '1000 years'),
                          r.received_at + interval '1000 years') - r.received_at) AS skew
    INTO src FROM staging.raw_responses r WHERE r.id = check_observation_time.staging_id;
    IF greatest(src.skew, -src.skew) > tolerance THEN
        RAISE EXCEPTION 'generated_time % is % % its receipt, more than raceday.settings.generated_time_tolerance (%): not transformed, no history day made for it',
            coalesce(to_char(src.generated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), src.generated_at::text),
            raceday.duration_text(src.skew), CASE WHEN src.skew > interval '0' THEN 'ahead of' ELSE 'behind' END,
            raceday.duration_text(tolerance)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
END
$$;

ALTER FUNCTION raceday.check_observation_time(staging_id bigint) OWNER TO raceday_owner;

-- Name: FUNCTION check_observation_time(staging_id bigint); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.check_observation_time(staging_id bigint) IS 'Raises (22023) when a stored response''s generated_time is further from its receipt than settings.generated_time_tolerance.';

-- Name: claim_due_polls(text, integer); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.claim_due_polls(worker text, max_polls integer DEFAULT 10) RETURNS TABLE(target text, kind text, path text, query jsonb, lease_until timestamp with time zone)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'raceday', 'pg_temp'
    AS $_$
BEGIN
    IF worker IS NULL OR worker !~ '^\S{1,100}$' THEN
        RAISE EXCEPTION 'claim_due_polls: worker must be 1-100 characters without spaces'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF max_polls IS NULL OR max_polls NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION 'claim_due_polls: max_polls must be within 1..1000, not %', max_polls
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM raceday.plan_day(raceday.nz_racing_day(raceday.clock()));
    -- Before spreading the overdue: a race long past its start is stopped, not spread.
    PERFORM raceday.stop_stale_races();
    PERFORM raceday.spread_overdue();
    RETURN QUERY
    WITH due AS (
        SELECT t.target FROM raceday.poll_targets t
        WHERE t.next_poll_at <= raceday.clock() AND (t.lease_until IS NULL OR t.lease_until < now())
        ORDER BY t.next_poll_at
        LIMIT max_polls
        FOR UPDATE SKIP LOCKED
    )
    UPDATE raceday.poll_targets t
    SET lease_owner = worker, lease_until = now() + s.lease
    FROM due, raceday.settings s
    WHERE t.target = due.target
    RETURNING t.target, t.kind,
              CASE t.kind WHEN 'event' THEN '/racing/events/' || t.target ELSE '/racing/meetings' END,
              CASE t.kind
                  WHEN 'event' THEN jsonb_build_object('with_money_tracker', 'true', 'with_tote_trends_data', 'true',
                                                       'with_will_pays', 'true')
                  ELSE jsonb_build_object('date_from', t.day::text, 'date_to', t.day::text,
                                          'limit', s.meetings_page_size::text, 'offset', t.page_offset::text)
              END,
              t.lease_until;
END
$_$;

ALTER FUNCTION raceday.claim_due_polls(worker text, max_polls integer) OWNER TO raceday_owner;

-- Name: FUNCTION claim_due_polls(worker text, max_polls integer); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.claim_due_polls(worker text, max_polls integer) IS 'Leases up to max_polls due targets to a fetcher and says what to fetch for each (path under the API base, query); stops races long past their start first.';

-- Name: settings; Type: TABLE; Schema: raceday; Owner: raceday_owner

CREATE TABLE raceday.settings (
    id boolean DEFAULT true NOT NULL,
    countries text[] DEFAULT '{NZ,AUS}'::text[] NOT NULL,
    categories text[] DEFAULT '{T,H}'::text[] NOT NULL,
    meetings_page_size integer DEFAULT 100 NOT NULL,
    meetings_refresh interval DEFAULT '00:30:00'::interval NOT NULL,
    baseline_at time without time zone DEFAULT '06:00:00'::time without time zone NOT NULL,
    lease interval DEFAULT '00:00:30'::interval NOT NULL,
    clock_virtual timestamp with time zone,
    clock_real timestamp with time zone,
    clock_speed double precision DEFAULT 1 NOT NULL,
    history_retention interval DEFAULT '30 days'::interval NOT NULL,
    detach_grace interval DEFAULT '7 days'::interval NOT NULL,
    staging_retention interval DEFAULT '7 days'::interval NOT NULL,
    cron_history_retention interval DEFAULT '7 days'::interval NOT NULL,
    change_feed_retention interval DEFAULT '2 days'::interval NOT NULL,
    stop_after_404s integer DEFAULT 5 NOT NULL,
    stop_after_start interval DEFAULT '06:00:00'::interval NOT NULL,
    generated_time_tolerance interval DEFAULT '00:10:00'::interval NOT NULL,
    CONSTRAINT settings_categories_check CHECK (((cardinality(categories) > 0) AND (categories <@ '{T,H,G}'::text[]))),
    CONSTRAINT settings_change_feed_retention_check CHECK ((change_feed_retention >= '01:00:00'::interval)),
    CONSTRAINT settings_check CHECK (((clock_virtual IS NULL) = (clock_real IS NULL))),
    CONSTRAINT settings_clock_speed_check CHECK ((clock_speed > (0)::double precision)),
    CONSTRAINT settings_countries_check CHECK ((cardinality(countries) > 0)),
    CONSTRAINT settings_cron_history_retention_check CHECK ((cron_history_retention >= '01:00:00'::interval)),
    CONSTRAINT settings_detach_grace_check CHECK ((detach_grace >= '00:00:00'::interval)),
    CONSTRAINT settings_generated_time_tolerance_check CHECK ((generated_time_tolerance >= '00:01:00'::interval)),
    CONSTRAINT settings_history_retention_check CHECK ((history_retention >= '1 day'::interval)),
    CONSTRAINT settings_id_check CHECK (id),
    CONSTRAINT settings_lease_check CHECK ((lease >= '00:00:05'::interval)),
    CONSTRAINT settings_meetings_page_size_check CHECK (((meetings_page_size >= 1) AND (meetings_page_size <= 200))),
    CONSTRAINT settings_meetings_refresh_check CHECK ((meetings_refresh >= '00:01:00'::interval)),
    CONSTRAINT settings_staging_retention_check CHECK ((staging_retention >= '1 day'::interval)),
    CONSTRAINT settings_stop_after_404s_check CHECK (((stop_after_404s >= 1) AND (stop_after_404s <= 1000))),
    CONSTRAINT settings_stop_after_start_check CHECK ((stop_after_start >= '01:00:00'::interval))
);

ALTER TABLE raceday.settings OWNER TO raceday_owner;

-- Name: TABLE settings; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON TABLE raceday.settings IS 'raceday''s configuration: one row.';

-- Name: COLUMN settings.countries; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.settings.countries IS 'TAB country codes polled (three letters for Australia: AUS).';

-- Name: COLUMN settings.categories; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.settings.categories IS 'TAB categories polled: T thoroughbred, H harness, G greyhound.';

-- Name: COLUMN settings.baseline_at; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.settings.baseline_at IS 'NZ time of the daily baseline: the day''s meetings, then one poll per race.';

-- Name: COLUMN settings.lease; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.settings.lease IS 'How long a claimed poll belongs to its fetcher before others may take it.';

-- Name: COLUMN settings.clock_virtual; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.settings.clock_virtual IS 'With clock_real and clock_speed: a simulated clock (clock_virtual at clock_real, running clock_speed times real time). Null: real time.';

-- Name: COLUMN settings.history_retention; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.settings.history_retention IS 'History partitions older than this are detached.';

-- Name: COLUMN settings.detach_grace; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.settings.detach_grace IS 'Detached history partitions are dropped after this long.';

-- Name: COLUMN settings.staging_retention; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.settings.staging_retention IS 'Processed raw responses older than this are deleted.';

-- Name: COLUMN settings.change_feed_retention; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.settings.change_feed_retention IS 'Change-feed rows older than this are deleted: a live client can resume from a cursor this old at most.';

-- Name: COLUMN settings.stop_after_404s; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.settings.stop_after_404s IS 'Polling a target stops after this many HTTP 404 answers in a row (raceday.resume_polling starts it again).';

-- Name: COLUMN settings.stop_after_start; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.settings.stop_after_start IS 'Polling a race stops when it is still not final or abandoned this long after its advertised start (or after a resume by hand).';

-- Name: COLUMN settings.generated_time_tolerance; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.settings.generated_time_tolerance IS 'An event whose generated_time is further than this from its receipt, either way, is stored but quarantined: its observation time would decide a history day.';

-- Name: clock(); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.clock() RETURNS timestamp with time zone
    LANGUAGE sql STABLE
    RETURN COALESCE((NULLIF(current_setting('raceday.clock'::text, true), ''::text))::timestamp with time zone, (SELECT COALESCE((s.clock_virtual + ((now() - s.clock_real) * s.clock_speed)), now()) AS "coalesce" FROM raceday.settings s));

ALTER FUNCTION raceday.clock() OWNER TO raceday_owner;

-- Name: FUNCTION clock(); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.clock() IS 'The schedule''s now: the session''s raceday.clock setting if set, else real time unless settings hold a simulated clock.';

-- Name: clock_at(timestamp with time zone); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.clock_at(at timestamp with time zone) RETURNS timestamp with time zone
    LANGUAGE sql STABLE
    RETURN (SELECT COALESCE((s.clock_virtual + ((clock_at.at - s.clock_real) * s.clock_speed)), clock_at.at) AS "coalesce" FROM raceday.settings s);

ALTER FUNCTION raceday.clock_at(at timestamp with time zone) OWNER TO raceday_owner;

-- Name: FUNCTION clock_at(at timestamp with time zone); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.clock_at(at timestamp with time zone) IS 'What raceday.clock() read (or will read) at the real instant `at`: `at` itself unless settings hold a simulated clock.';

-- Name: cron_jobs(); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.cron_jobs() RETURNS TABLE(jobid bigint, jobname text, schedule text, active boolean, runs_as text, last_start timestamp with time zone, last_end timestamp with time zone, last_status text, last_message text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    SELECT j.jobid, j.jobname, j.schedule, j.active, j.username, d.start_time, d.end_time, d.status,
           d.return_message
    FROM cron.job j
    LEFT JOIN LATERAL (SELECT r.start_time, r.end_time, r.status, r.return_message FROM cron.job_run_details r
                       WHERE r.jobid = j.jobid ORDER BY r.start_time DESC NULLS LAST LIMIT 1) d ON true
    WHERE j.jobname LIKE 'raceday-%' AND j.database = current_database()
$$;

ALTER FUNCTION raceday.cron_jobs() OWNER TO raceday_owner;

-- Name: FUNCTION cron_jobs(); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.cron_jobs() IS 'raceday''s pg_cron jobs and the latest run of each, read as their owner (pg_cron shows a role only its own).';

-- Name: detect_alerts(text[], double precision[], double precision[], double precision[], double precision[], double precision); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.detect_alerts(entrant_ids text[], time_intervals double precision[], increments double precision[], holds double precision[], odds double precision[], bucket double precision) RETURNS jsonb
    LANGUAGE plpython3u TRANSFORM FOR TYPE jsonb STABLE
    AS $$
if "load" not in SD:
    SD["load"] = plpy.prepare("SELECT raceday.plpython_module('raceday_alerts')")
plpy.execute(SD["load"])
rows = [{"entrant_id": e, "time_interval": t, "incremental_win_amount": i, "hold_percentage": h, "fixed_win_odds": o}
        for e, t, i, h, o in zip(entrant_ids or [], time_intervals or [], increments or [], holds or [], odds or [])]
return GD["raceday_modules"]["raceday_alerts"]["detect"](rows, bucket)
$$;

ALTER FUNCTION raceday.detect_alerts(entrant_ids text[], time_intervals double precision[], increments double precision[], holds double precision[], odds double precision[], bucket double precision) OWNER TO raceday_owner;

-- Name: FUNCTION detect_alerts(entrant_ids text[], time_intervals double precision[], increments double precision[], holds double precision[], odds double precision[], bucket double precision); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.detect_alerts(entrant_ids text[], time_intervals double precision[], increments double precision[], holds double precision[], odds double precision[], bucket double precision) IS 'plpython/raceday_alerts.py detect(): the alerts one bucket of a race''s timeline (one array element a row) raises.';

-- Name: duration_text(interval); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.duration_text(d interval) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (SELECT format('%s %s%s'::text, x.n, u.unit, CASE WHEN (x.n = 1) THEN ''::text ELSE 's'::text END) AS format FROM (VALUES ('year'::text,31557600), ('day'::text,86400), ('hour'::text,3600), ('minute'::text,60), ('second'::text,1)) u(unit, secs), LATERAL (SELECT (floor((abs(EXTRACT(epoch FROM duration_text.d)) / (u.secs)::numeric)))::bigint AS n) x WHERE ((x.n >= 1) OR (u.unit = 'second'::text)) ORDER BY u.secs DESC LIMIT 1);

ALTER FUNCTION raceday.duration_text(d interval) OWNER TO raceday_owner;

-- Name: FUNCTION duration_text(d interval); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.duration_text(d interval) IS 'An interval, either sign, in its largest whole unit for messages: 4 years, 3 days, 11 minutes.';

-- Name: ensure_history_partitions(date, date); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.ensure_history_partitions(first_day date, last_day date) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'raceday', 'pg_temp'
    AS $$
DECLARE
    parent  text;
    day     date;
    part    text;
    created integer := 0;
BEGIN
    IF first_day IS NULL OR last_day IS NULL OR last_day < first_day THEN
        RAISE EXCEPTION 'ensure_history_partitions: need first_day <= last_day, got % and %', first_day, last_day
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF last_day - first_day > 400 THEN
        RAISE EXCEPTION 'ensure_history_partitions: % days requested; at most 401 at once', last_day - first_day + 1
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Two callers at once (deploy and a cron run) must not race to create
    -- the same partition.
    PERFORM pg_advisory_xact_lock(hashtext('raceday.ensure_history_partitions'));
    FOREACH parent IN ARRAY ARRAY['money_flow_history', 'odds_history'] LOOP
        FOR day IN SELECT d::date FROM generate_series(first_day, last_day, interval '1 day') AS d LOOP
            part := format('%s_%s', parent, to_char(day, 'YYYYMMDD'));
            CONTINUE WHEN to_regclass(format('raceday.%I', part)) IS NOT NULL;
            EXECUTE format('CREATE TABLE raceday.%I PARTITION OF raceday.%I FOR VALUES FROM (%L) TO (%L)',
                           part, parent, nz_day_start(day), nz_day_start(day + 1));
            EXECUTE format('COMMENT ON TABLE raceday.%I IS %L', part,
                           format('%s for NZ racing day %s', parent, day));
            created := created + 1;
        END LOOP;
    END LOOP;
    RETURN created;
END
$$;

ALTER FUNCTION raceday.ensure_history_partitions(first_day date, last_day date) OWNER TO raceday_owner;

-- Name: FUNCTION ensure_history_partitions(first_day date, last_day date); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.ensure_history_partitions(first_day date, last_day date) IS 'Creates the missing daily partitions (NZ racing days, inclusive range) of both history tables; returns how many.';

-- Name: event_money(jsonb); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.event_money(entrants jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (SELECT jsonb_object_agg(m.entrant_id, jsonb_build_object('hold', m.hold, 'bet', m.bet)) AS jsonb_object_agg FROM (SELECT (e.value ->> 'entrant_id'::text) AS entrant_id, sum(((e.value ->> 'hold_percentage'::text))::numeric) AS hold, sum(((e.value ->> 'bet_percentage'::text))::numeric) AS bet FROM jsonb_array_elements(CASE WHEN (jsonb_typeof(event_money.entrants) = 'array'::text) THEN event_money.entrants ELSE NULL::jsonb END) e(value) GROUP BY (e.value ->> 'entrant_id'::text)) m);

ALTER FUNCTION raceday.event_money(entrants jsonb) OWNER TO raceday_owner;

-- Name: FUNCTION event_money(entrants jsonb); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.event_money(entrants jsonb) IS 'An event''s money_tracker.entrants summed per runner: {entrant_id: {hold, bet}}, null without entries.';

-- Name: event_pools(jsonb, jsonb); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.event_pools(tote_pools jsonb, dividends jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (SELECT jsonb_object_agg(y.product, y.dollars) AS jsonb_object_agg FROM (SELECT CASE WHEN (x.p = ANY (ARRAY['first4'::text, 'firstfour'::text])) THEN 'first4'::text ELSE x.p END AS product, max(x.dollars) AS dollars FROM (SELECT lower(regexp_replace((tp.value ->> 'product_type'::text), '[^A-Za-z0-9]'::text, ''::text, 'g'::text)) AS p, ((tp.value ->> 'total'::text))::numeric AS dollars FROM jsonb_array_elements(CASE WHEN ((jsonb_typeof(event_pools.tote_pools) = 'array'::text) AND (jsonb_array_length(event_pools.tote_pools) > 0)) THEN event_pools.tote_pools ELSE NULL::jsonb END) tp(value) UNION ALL SELECT lower(regexp_replace(regexp_replace((d.value ->> 'product_name'::text), '^\s*pool\s+'::text, ''::text, 'i'::text), '[^A-Za-z0-9]'::text, ''::text, 'g'::text)) AS lower, ((d.value ->> 'pool_size'::text))::numeric AS "numeric" FROM jsonb_array_elements(CASE WHEN (((jsonb_typeof(event_pools.tote_pools) IS DISTINCT FROM 'array'::text) OR (jsonb_array_length(event_pools.tote_pools) = 0)) AND (jsonb_typeof(event_pools.dividends) = 'array'::text)) THEN event_pools.dividends ELSE NULL::jsonb END) d(value)) x WHERE ((x.p IS NOT NULL) AND (x.dollars IS NOT NULL)) GROUP BY CASE WHEN (x.p = ANY (ARRAY['first4'::text, 'firstfour'::text])) THEN 'first4'::text ELSE x.p END) y);

ALTER FUNCTION raceday.event_pools(tote_pools jsonb, dividends jsonb) OWNER TO raceday_owner;

-- Name: FUNCTION event_pools(tote_pools jsonb, dividends jsonb); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.event_pools(tote_pools jsonb, dividends jsonb) IS 'An event''s pools by product in dollars: tote_pools, else the largest dividend pool_size per product.';

-- Name: event_runners(jsonb); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.event_runners(runners jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN (jsonb_typeof(runners) = 'array'::text) THEN (SELECT COALESCE(jsonb_agg(jsonb_strip_nulls(jsonb_build_object('entrant_id', (r.e -> 'entrant_id'::text), 'name', (r.e -> 'name'::text), 'runner_number', (r.e -> 'runner_number'::text), 'barrier', (r.e -> 'barrier'::text), 'jockey', (r.e -> 'jockey'::text), 'trainer_name', (r.e -> 'trainer_name'::text), 'silk_colours', (r.e -> 'silk_colours'::text), 'silk_url_64x64', (r.e -> 'silk_url_64x64'::text), 'silk_url_128x128', (r.e -> 'silk_url_128x128'::text), 'is_scratched', (r.e -> 'is_scratched'::text), 'is_late_scratched', (r.e -> 'is_late_scratched'::text), 'scratch_time', (r.e -> 'scratch_time'::text), 'is_emergency', (r.e -> 'is_emergency'::text), 'favourite', (r.e -> 'favourite'::text), 'mover', (r.e -> 'mover'::text), 'odds', (r.e -> 'odds'::text), 'weight', (r.e -> 'weight'::text), 'form_comment', (r.e -> 'form_comment'::text), 'last_twenty_starts', (r.e -> 'last_twenty_starts'::text))) ORDER BY r.n), '[]'::jsonb) AS "coalesce" FROM jsonb_array_elements(event_runners.runners) WITH ORDINALITY r(e, n)) ELSE NULL::jsonb END;

ALTER FUNCTION raceday.event_runners(runners jsonb) OWNER TO raceday_owner;

-- Name: FUNCTION event_runners(runners jsonb); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.event_runners(runners jsonb) IS 'An event''s data.runners with only the fields the transform reads (null when not an array).';

-- Name: ingest_event(text, text, timestamp with time zone, jsonb); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.ingest_event(race_id text, response text, received_at timestamp with time zone DEFAULT now(), meta jsonb DEFAULT '{}'::jsonb) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'raceday', 'pg_temp'
    AS $$
DECLARE
    stored record;
    doc jsonb;
    before raceday.races;
    transformed boolean := false;
BEGIN
    IF race_id IS NULL OR NOT pg_input_is_valid(race_id, 'uuid') THEN
        RAISE EXCEPTION 'ingest_event: race_id % is not a uuid', race_id USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF response IS NULL THEN
        RAISE EXCEPTION 'ingest_event: response is null; record failures with ingest_failure'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    doc := response::jsonb;             -- not JSON (or not jsonb's): raised, nothing stored
    -- The race as it was, to tell what the poll changed.
    SELECT * INTO before FROM raceday.races r WHERE r.race_id = ingest_event.race_id::uuid;
    stored := raceday.store_response('event', race_id, response, doc, received_at, meta);
    IF stored.is_new THEN
        transformed := raceday.run_transform(stored.staging_id, 'event', doc);
    END IF;
    UPDATE raceday.poll_targets t
    SET next_poll_at = raceday.next_poll_time(r.status, r.start_time, raceday.clock()),
        last_polled_at = raceday.clock(), last_status = coalesce((meta ->> 'http_status')::integer, 200),
        polls = t.polls + 1, failures = 0, lease_owner = NULL, lease_until = NULL
    FROM raceday.races r
    WHERE t.target = ingest_event.race_id AND r.race_id = t.race_id;
    -- Last: the feed's lock waits for nothing after it (change_feed).
    IF transformed THEN
        PERFORM raceday.announce_event(stored.staging_id, before);
    END IF;
    RETURN stored.staging_id;
END
$$;

ALTER FUNCTION raceday.ingest_event(race_id text, response text, received_at timestamp with time zone, meta jsonb) OWNER TO raceday_owner;

-- Name: FUNCTION ingest_event(race_id text, response text, received_at timestamp with time zone, meta jsonb); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.ingest_event(race_id text, response text, received_at timestamp with time zone, meta jsonb) IS 'Stores a GET /racing/events/{id} response (its body as received), transforms it and schedules the race''s next poll; returns the staging id.';

-- Name: ingest_event(text, jsonb, timestamp with time zone, jsonb); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.ingest_event(race_id text, response jsonb, received_at timestamp with time zone DEFAULT now(), meta jsonb DEFAULT '{}'::jsonb) RETURNS bigint
    LANGUAGE sql
    SET search_path TO 'pg_catalog', 'raceday'
    RETURN raceday.ingest_event(race_id, (response)::text, received_at, meta);

ALTER FUNCTION raceday.ingest_event(race_id text, response jsonb, received_at timestamp with time zone, meta jsonb) OWNER TO raceday_owner;

-- Name: FUNCTION ingest_event(race_id text, response jsonb, received_at timestamp with time zone, meta jsonb); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.ingest_event(race_id text, response jsonb, received_at timestamp with time zone, meta jsonb) IS 'ingest_event(text, text, ...) of a document already parsed: for tests and tools; the fetcher sends text.';

-- Name: ingest_failure(text, text, timestamp with time zone, jsonb); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.ingest_failure(kind text, target text, received_at timestamp with time zone DEFAULT now(), meta jsonb DEFAULT '{}'::jsonb) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'raceday', 'pg_temp'
    AS $$
DECLARE
    staging_id bigint;
    v_status integer;
    give_up boolean;
BEGIN
    IF kind IS NULL OR kind NOT IN ('meetings', 'event', 'meeting') OR target IS NULL THEN
        RAISE EXCEPTION 'ingest_failure: kind must be meetings, event or meeting and target given (got %, %)',
            kind, target USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO staging.raw_responses (kind, target, url, http_status, attempt, worker, received_at,
                                       last_received_at, body_raw, body_bytes, fetch_error, processed_at)
    VALUES (kind, target, meta ->> 'url', (meta ->> 'http_status')::integer,
            coalesce((meta ->> 'attempt')::integer, 1), meta ->> 'worker', received_at, received_at,
            meta ->> 'body', coalesce((meta ->> 'bytes')::integer, octet_length(meta ->> 'body')),
            coalesce(meta ->> 'error', 'unknown fetch failure'), clock_timestamp())
    RETURNING id, http_status INTO staging_id, v_status;
    -- A failed attempt that the fetcher will retry ("final": false) is only
    -- recorded. The last one backs the target off: 15 s, 30 s, 1 min...
    -- capped at 5 min, and never later than the target's normal next poll.
    IF NOT coalesce((meta ->> 'final')::boolean, true) THEN
        RETURN staging_id;
    END IF;
    -- A 404 extends the run of 404s, any other failure ends it; the run's
    -- last allowed 404 stops polling (a target already stopped keeps its
    -- reason, and the trigger keeps it unscheduled).
    SELECT v_status = 404 AND t.stopped_at IS NULL AND t.not_found + 1 >= s.stop_after_404s
           AND coalesce((SELECT r.start_time < raceday.clock() - interval '1 hour'
                         FROM raceday.races r WHERE r.race_id = t.race_id), true)
    INTO give_up
    FROM raceday.poll_targets t, raceday.settings s
    WHERE t.target = ingest_failure.target
    FOR UPDATE OF t;
    UPDATE raceday.poll_targets t
    SET failures = t.failures + 1, lease_owner = NULL, lease_until = NULL,
        last_status = v_status,
        not_found = CASE WHEN v_status = 404 THEN t.not_found + 1 ELSE 0 END,
        next_poll_at = CASE WHEN give_up THEN NULL ELSE raceday.clock() + least(
            interval '15 seconds' * 2 ^ least(t.failures, 5), interval '5 minutes',
            coalesce((SELECT raceday.poll_interval(r.status, r.start_time, raceday.clock())
                      FROM raceday.races r WHERE r.race_id = t.race_id), interval '5 minutes')) END,
        stopped_at = CASE WHEN give_up THEN raceday.clock() ELSE t.stopped_at END,
        stopped_reason = CASE WHEN give_up
                              THEN format('TAB answered 404 (not found) %s times in a row', t.not_found + 1)
                              ELSE t.stopped_reason END
    WHERE t.target = ingest_failure.target;
    RETURN staging_id;
END
$$;

ALTER FUNCTION raceday.ingest_failure(kind text, target text, received_at timestamp with time zone, meta jsonb) OWNER TO raceday_owner;

-- Name: FUNCTION ingest_failure(kind text, target text, received_at timestamp with time zone, meta jsonb); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.ingest_failure(kind text, target text, received_at timestamp with time zone, meta jsonb) IS 'Records a failed fetch (status, error, any body that was not JSON) and backs the target off, or stops it after settings.stop_after_404s 404s in a row; returns the staging id.';

-- Name: ingest_meetings(text, timestamp with time zone, jsonb); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.ingest_meetings(response text, received_at timestamp with time zone DEFAULT now(), meta jsonb DEFAULT '{}'::jsonb) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'raceday', 'pg_temp'
    AS $_$
DECLARE
    v_day date;
    v_offset integer;
    page_size integer;
    v_target text := meta ->> 'target';
    stored record;
    transformed boolean := false;
    doc jsonb := response::jsonb;       -- not JSON (or not jsonb's): raised, nothing stored
BEGIN
    IF response IS NULL THEN
        RAISE EXCEPTION 'ingest_meetings: response is null; record failures with ingest_failure'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF v_target IS NULL THEN
        -- A replay without its claim: the page is named by TAB's own echo.
        v_target := format('meetings:%s:%s', left(doc #>> '{params,date_from}', 10),
                         coalesce(doc #>> '{params,offset}', '0'));
    END IF;
    IF v_target !~ '^meetings:\d{4}-\d\d-\d\d:\d+$' THEN
        RAISE EXCEPTION 'ingest_meetings: target % is not meetings:<YYYY-MM-DD>:<offset>', v_target
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    v_day := split_part(v_target, ':', 2)::date;
    v_offset := split_part(v_target, ':', 3)::integer;

    stored := raceday.store_response('meetings', v_target, response, doc, received_at, meta);
    IF stored.is_new THEN
        transformed := raceday.run_transform(stored.staging_id, 'meetings', doc);
    END IF;

    -- A full page means there may be more: schedule the next one now.
    SELECT s.meetings_page_size INTO page_size FROM raceday.settings s;
    IF jsonb_typeof(doc #> '{data,meetings}') = 'array'
       AND jsonb_array_length(doc #> '{data,meetings}') >= raceday.meetings_page_limit(doc, page_size) THEN
        INSERT INTO raceday.poll_targets (target, kind, day, page_offset, next_poll_at)
        VALUES (format('meetings:%s:%s', v_day, v_offset + page_size), 'meetings', v_day, v_offset + page_size,
                raceday.clock())
        ON CONFLICT (target) DO UPDATE SET next_poll_at = least(raceday.poll_targets.next_poll_at, excluded.next_poll_at);
    END IF;

    -- Refresh through the racing day; a past day is done.
    INSERT INTO raceday.poll_targets AS t (target, kind, day, page_offset, next_poll_at, last_polled_at,
                                          last_status, polls)
    SELECT v_target, 'meetings', v_day, v_offset,
           CASE WHEN v_day >= raceday.nz_racing_day(raceday.clock()) THEN raceday.clock() + s.meetings_refresh END,
           raceday.clock(), coalesce((meta ->> 'http_status')::integer, 200), 1
    FROM raceday.settings s
    ON CONFLICT (target) DO UPDATE
        SET next_poll_at = excluded.next_poll_at, last_polled_at = excluded.last_polled_at,
            last_status = excluded.last_status, polls = t.polls + 1, failures = 0,
            lease_owner = NULL, lease_until = NULL;
    -- Last: the feed's lock waits for nothing after it (change_feed).
    IF transformed THEN
        PERFORM raceday.announce_meetings(stored.staging_id);
    END IF;
    RETURN stored.staging_id;
END
$_$;

ALTER FUNCTION raceday.ingest_meetings(response text, received_at timestamp with time zone, meta jsonb) OWNER TO raceday_owner;

-- Name: FUNCTION ingest_meetings(response text, received_at timestamp with time zone, meta jsonb); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.ingest_meetings(response text, received_at timestamp with time zone, meta jsonb) IS 'Stores a GET /racing/meetings response (its body as received), transforms it, schedules the next page and the refresh; returns the staging id.';

-- Name: ingest_meetings(jsonb, timestamp with time zone, jsonb); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.ingest_meetings(response jsonb, received_at timestamp with time zone DEFAULT now(), meta jsonb DEFAULT '{}'::jsonb) RETURNS bigint
    LANGUAGE sql
    SET search_path TO 'pg_catalog', 'raceday'
    RETURN raceday.ingest_meetings((response)::text, received_at, meta);

ALTER FUNCTION raceday.ingest_meetings(response jsonb, received_at timestamp with time zone, meta jsonb) OWNER TO raceday_owner;

-- Name: FUNCTION ingest_meetings(response jsonb, received_at timestamp with time zone, meta jsonb); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.ingest_meetings(response jsonb, received_at timestamp with time zone, meta jsonb) IS 'ingest_meetings(text, ...) of a document already parsed: for tests and tools; the fetcher sends text.';

-- Name: interval_type(numeric); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.interval_type(minutes_to_start numeric) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN CASE WHEN (minutes_to_start > (30)::numeric) THEN '5m'::text WHEN (minutes_to_start > (5)::numeric) THEN '2m'::text WHEN (minutes_to_start > (0)::numeric) THEN '30s'::text ELSE 'live'::text END;

ALTER FUNCTION raceday.interval_type(minutes_to_start numeric) OWNER TO raceday_owner;

-- Name: FUNCTION interval_type(minutes_to_start numeric); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.interval_type(minutes_to_start numeric) IS 'The client''s interval_type for a time to start in minutes.';

-- Name: maintain_partitions(); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.maintain_partitions() RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'raceday', 'pg_temp'
    AS $_$
DECLARE
    today date := raceday.nz_racing_day(now());
    cfg raceday.settings;
    part record;
    made integer;
    detached integer := 0;
    dropped integer := 0;
    held bigint;
    problem text;
    kept text[] := '{}'::text[];
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('raceday.maintain_partitions')) THEN
        RETURN 'busy';
    END IF;
    SELECT * INTO cfg FROM raceday.settings;
    made := raceday.ensure_history_partitions(today, today + 7);
    FOR part IN
        SELECT c.relname, p.relname AS parent
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
        WHERE i.inhparent IN ('raceday.money_flow_history'::regclass, 'raceday.odds_history'::regclass)
          AND c.relname ~ '_\d{8}$'
          AND to_date(right(c.relname, 8), 'YYYYMMDD') < raceday.nz_racing_day(now() - cfg.history_retention)
    LOOP
        EXECUTE format('ALTER TABLE raceday.%I DETACH PARTITION raceday.%I', part.parent, part.relname);
        INSERT INTO raceday.detached_partitions (name, parent) VALUES (part.relname, part.parent)
        ON CONFLICT (name) DO NOTHING;
        detached := detached + 1;
    END LOOP;
    FOR part IN
        SELECT d.name, d.parent FROM raceday.detached_partitions d
        WHERE d.detached_at < now() - cfg.detach_grace ORDER BY d.name
    LOOP
        IF to_regclass(format('raceday.%I', part.name)) IS NULL THEN
            DELETE FROM raceday.detached_partitions WHERE name = part.name;
            CONTINUE;
        END IF;
        EXECUTE format('SELECT count(*) FROM raceday.%I', part.name) INTO held;
        problem := raceday.archive_problem(to_date(right(part.name, 8), 'YYYYMMDD'), part.parent, held);
        IF problem IS NOT NULL THEN
            kept := kept || problem;
            CONTINUE;
        END IF;
        EXECUTE format('DROP TABLE raceday.%I', part.name);
        DELETE FROM raceday.detached_partitions WHERE name = part.name;
        UPDATE raceday.archives SET deleted = rows
        WHERE day = to_date(right(part.name, 8), 'YYYYMMDD') AND kind = part.parent;
        dropped := dropped + 1;
    END LOOP;
    IF cardinality(kept) > 0 THEN
        RAISE WARNING 'maintain_partitions: kept % detached partitions: %', cardinality(kept), array_to_string(kept, '; ')
            USING HINT = 'Run python -m archive run (it archives and verifies them); the next run drops them.';
        RETURN format('made %s, detached %s, dropped %s, kept %s without a verified archive', made, detached, dropped,
                      cardinality(kept));
    END IF;
    RETURN format('made %s, detached %s, dropped %s', made, detached, dropped);
END
$_$;

ALTER FUNCTION raceday.maintain_partitions() OWNER TO raceday_owner;

-- Name: FUNCTION maintain_partitions(); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.maintain_partitions() IS 'Partitions for today + 7 NZ days; detaches history past retention; drops detached partitions past the grace once a verified archive holds them (others are kept, with a warning).';

-- Name: meetings_page_limit(jsonb, integer); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.meetings_page_limit(response jsonb, page_size integer) RETURNS integer
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog'
    AS $$
DECLARE
    echoed text := response #>> '{params,limit}';
BEGIN
    -- Nested, not one CASE: the planner folds a CASE over constants and
    -- would evaluate the cast even where pg_input_is_valid said no.
    IF pg_input_is_valid(echoed, 'integer') THEN
        IF echoed::integer > 0 THEN
            RETURN echoed::integer;
        END IF;
    END IF;
    RETURN page_size;
END
$$;

ALTER FUNCTION raceday.meetings_page_limit(response jsonb, page_size integer) OWNER TO raceday_owner;

-- Name: FUNCTION meetings_page_limit(response jsonb, page_size integer); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.meetings_page_limit(response jsonb, page_size integer) IS 'The page limit TAB echoes in a meetings response (params.limit) when it is a positive integer, else page_size.';

-- Name: money_flow_latest_delete(); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.money_flow_latest_delete() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    DELETE FROM raceday.money_flow_latest l
    USING (SELECT DISTINCT o.race_id, o.entrant_id, o.time_interval FROM old_rows o) k
    WHERE (l.race_id, l.entrant_id, l.time_interval) = (k.race_id, k.entrant_id, k.time_interval);
    INSERT INTO raceday.money_flow_latest
    SELECT DISTINCT ON (h.race_id, h.entrant_id, h.time_interval) h.*
    FROM raceday.money_flow_history h
    JOIN (SELECT DISTINCT o.race_id, o.entrant_id, o.time_interval FROM old_rows o) k
      ON (h.race_id, h.entrant_id, h.time_interval) = (k.race_id, k.entrant_id, k.time_interval)
    ORDER BY h.race_id, h.entrant_id, h.time_interval, h.event_timestamp DESC;
    RETURN NULL;
END
$$;

ALTER FUNCTION raceday.money_flow_latest_delete() OWNER TO raceday_owner;

-- Name: money_flow_latest_insert(); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.money_flow_latest_insert() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO raceday.money_flow_latest AS l
    SELECT DISTINCT ON (n.race_id, n.entrant_id, n.time_interval) n.*
    FROM new_rows n
    ORDER BY n.race_id, n.entrant_id, n.time_interval, n.event_timestamp DESC
    ON CONFLICT (race_id, entrant_id, time_interval) DO UPDATE
    SET (id, staging_id, type, pool_type, time_to_start, interval_type, hold_percentage, bet_percentage,
         win_pool_amount, place_pool_amount, win_pool_percentage, place_pool_percentage, incremental_win_amount,
         incremental_place_amount, incremental_amount, fixed_win_odds, fixed_place_odds, pool_win_odds,
         pool_place_odds, event_timestamp, polling_timestamp, created_at)
      = (EXCLUDED.id, EXCLUDED.staging_id, EXCLUDED.type, EXCLUDED.pool_type, EXCLUDED.time_to_start,
         EXCLUDED.interval_type, EXCLUDED.hold_percentage, EXCLUDED.bet_percentage, EXCLUDED.win_pool_amount,
         EXCLUDED.place_pool_amount, EXCLUDED.win_pool_percentage, EXCLUDED.place_pool_percentage,
         EXCLUDED.incremental_win_amount, EXCLUDED.incremental_place_amount, EXCLUDED.incremental_amount,
         EXCLUDED.fixed_win_odds, EXCLUDED.fixed_place_odds, EXCLUDED.pool_win_odds, EXCLUDED.pool_place_odds,
         EXCLUDED.event_timestamp, EXCLUDED.polling_timestamp, EXCLUDED.created_at)
    -- A late, older observation (a replay out of order) does not replace a newer one.
    WHERE EXCLUDED.event_timestamp >= l.event_timestamp;
    RETURN NULL;
END
$$;

ALTER FUNCTION raceday.money_flow_latest_insert() OWNER TO raceday_owner;

-- Name: poll_interval(text, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.poll_interval(status text, start_time timestamp with time zone, at timestamp with time zone) RETURNS interval
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN (status = ANY (ARRAY['final'::text, 'abandoned'::text])) THEN NULL::interval WHEN ((start_time - at) > '01:00:00'::interval) THEN '00:05:00'::interval WHEN ((start_time - at) > '00:15:00'::interval) THEN '00:01:00'::interval WHEN ((start_time - at) > '00:05:00'::interval) THEN '00:00:30'::interval ELSE '00:00:15'::interval END;

ALTER FUNCTION raceday.poll_interval(status text, start_time timestamp with time zone, at timestamp with time zone) OWNER TO raceday_owner;

-- Name: FUNCTION poll_interval(status text, start_time timestamp with time zone, at timestamp with time zone); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.poll_interval(status text, start_time timestamp with time zone, at timestamp with time zone) IS 'Polling interval of a race with this status and start, seen at `at`; null: stop polling.';

-- Name: next_poll_time(text, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.next_poll_time(status text, start_time timestamp with time zone, at timestamp with time zone) RETURNS timestamp with time zone
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN (raceday.poll_interval(status, start_time, at) IS NOT NULL) THEN LEAST((at + raceday.poll_interval(status, start_time, at)), CASE WHEN ((start_time - at) > '01:00:00'::interval) THEN GREATEST((start_time - '01:00:00'::interval), (at + '00:01:00'::interval)) WHEN ((start_time - at) > '00:15:00'::interval) THEN GREATEST((start_time - '00:15:00'::interval), (at + '00:00:30'::interval)) WHEN ((start_time - at) > '00:05:00'::interval) THEN GREATEST((start_time - '00:05:00'::interval), (at + '00:00:15'::interval)) ELSE NULL::timestamp with time zone END) ELSE NULL::timestamp with time zone END;

ALTER FUNCTION raceday.next_poll_time(status text, start_time timestamp with time zone, at timestamp with time zone) OWNER TO raceday_owner;

-- Name: FUNCTION next_poll_time(status text, start_time timestamp with time zone, at timestamp with time zone); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.next_poll_time(status text, start_time timestamp with time zone, at timestamp with time zone) IS 'When a race polled at `at` is due again; null once it is final or abandoned.';

-- Name: nz_day_start(date); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.nz_day_start(day date) RETURNS timestamp with time zone
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN ((day)::timestamp without time zone AT TIME ZONE 'Pacific/Auckland'::text);

ALTER FUNCTION raceday.nz_day_start(day date) OWNER TO raceday_owner;

-- Name: FUNCTION nz_day_start(day date); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.nz_day_start(day date) IS 'The instant an NZ racing day starts (NZ midnight).';

-- Name: nz_racing_day(timestamp with time zone); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.nz_racing_day(ts timestamp with time zone) RETURNS date
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN ((ts AT TIME ZONE 'Pacific/Auckland'::text))::date;

ALTER FUNCTION raceday.nz_racing_day(ts timestamp with time zone) OWNER TO raceday_owner;

-- Name: FUNCTION nz_racing_day(ts timestamp with time zone); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.nz_racing_day(ts timestamp with time zone) IS 'The NZ racing day an instant belongs to.';

-- Name: poll_targets; Type: TABLE; Schema: raceday; Owner: raceday_owner

CREATE TABLE raceday.poll_targets (
    target text NOT NULL,
    kind text NOT NULL,
    race_id uuid,
    day date,
    page_offset integer,
    next_poll_at timestamp with time zone,
    lease_owner text,
    lease_until timestamp with time zone,
    last_polled_at timestamp with time zone,
    last_status integer,
    failures integer DEFAULT 0 NOT NULL,
    polls bigint DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    not_found integer DEFAULT 0 NOT NULL,
    stopped_at timestamp with time zone,
    stopped_reason text,
    resumed_at timestamp with time zone,
    claim_lag interval,
    late_streak integer DEFAULT 0 NOT NULL,
    CONSTRAINT poll_targets_check CHECK ((((kind = 'event'::text) AND (race_id IS NOT NULL) AND (target = (race_id)::text)) OR ((kind = 'meetings'::text) AND (day IS NOT NULL) AND (page_offset IS NOT NULL) AND (target = format('meetings:%s:%s'::text, day, page_offset))))),
    CONSTRAINT poll_targets_check1 CHECK (((lease_owner IS NULL) = (lease_until IS NULL))),
    CONSTRAINT poll_targets_failures_check CHECK ((failures >= 0)),
    CONSTRAINT poll_targets_kind_check CHECK ((kind = ANY (ARRAY['meetings'::text, 'event'::text]))),
    CONSTRAINT poll_targets_late_streak_check CHECK ((late_streak >= 0)),
    CONSTRAINT poll_targets_not_found_check CHECK ((not_found >= 0)),
    CONSTRAINT poll_targets_page_offset_check CHECK ((page_offset >= 0)),
    CONSTRAINT poll_targets_polls_check CHECK ((polls >= 0)),
    CONSTRAINT poll_targets_stopped_not_due_check CHECK (((stopped_at IS NULL) OR (next_poll_at IS NULL))),
    CONSTRAINT poll_targets_stopped_reason_check CHECK (((stopped_at IS NULL) = (stopped_reason IS NULL)))
);

ALTER TABLE raceday.poll_targets OWNER TO raceday_owner;

-- Name: TABLE poll_targets; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON TABLE raceday.poll_targets IS 'The polling schedule: what to fetch next, when, and which fetcher holds it.';

-- Name: COLUMN poll_targets.target; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.poll_targets.target IS 'An event''s race id, or meetings:<NZ day>:<page offset> for a page of the meetings list.';

-- Name: COLUMN poll_targets.next_poll_at; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.poll_targets.next_poll_at IS 'Due time on raceday.clock(); null: polling has stopped.';

-- Name: COLUMN poll_targets.failures; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.poll_targets.failures IS 'Failed polls in a row; drives the back-off.';

-- Name: COLUMN poll_targets.not_found; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.poll_targets.not_found IS 'HTTP 404 answers in a row (a success or another failure ends the run); settings.stop_after_404s of them stop polling.';

-- Name: COLUMN poll_targets.stopped_at; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.poll_targets.stopped_at IS 'When polling stopped (raceday.clock()) by a give-up rule or by hand; null: not stopped. A stopped target has no next_poll_at.';

-- Name: COLUMN poll_targets.stopped_reason; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.poll_targets.stopped_reason IS 'Why polling stopped; null when not stopped.';

-- Name: COLUMN poll_targets.resumed_at; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.poll_targets.resumed_at IS 'When raceday.resume_polling last started the target again (raceday.clock()); the hours-past-start rule counts from here too.';

-- Name: COLUMN poll_targets.claim_lag; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.poll_targets.claim_lag IS 'How far past due (raceday.clock()) its latest claim came.';

-- Name: COLUMN poll_targets.late_streak; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.poll_targets.late_streak IS 'Claims in a row that came more than 15 s past due; 0 after one on time.';

-- Name: plan_day(date); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.plan_day(day date) RETURNS void
    LANGUAGE sql
    BEGIN ATOMIC
 INSERT INTO raceday.poll_targets (target, kind, day, page_offset, next_poll_at)  SELECT format('meetings:%s:0'::text, plan_day.day) AS format,
             'meetings',
             plan_day.day AS day,
             0,
                 CASE
                     WHEN (EXISTS ( SELECT
                        FROM raceday.poll_targets poll_targets_1
                       WHERE (poll_targets_1.kind = 'meetings'::text))) THEN GREATEST(raceday.clock(), ((plan_day.day + s.baseline_at) AT TIME ZONE 'Pacific/Auckland'::text))
                     ELSE raceday.clock()
                 END AS clock
            FROM raceday.settings s ON CONFLICT(target) DO NOTHING;
END;

ALTER FUNCTION raceday.plan_day(day date) OWNER TO raceday_owner;

-- Name: FUNCTION plan_day(day date); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.plan_day(day date) IS 'Schedules the first meetings poll of an NZ racing day (baseline time, or now on a first start).';

-- Name: plpython_module(text); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.plpython_module(name text) RETURNS text
    LANGUAGE plpython3u STABLE
    AS $_$
# Loads plpython/<name>.py into GD["raceday_modules"] (shared by every
# PL/Python function of the session) unless the cached copy has the
# deployed md5. Returns it; callers then use GD["raceday_modules"][name].
# The source is run only from a table a superuser owns: the row's own
# table (tableoid), so a look-alike table cannot pass for it.
modules = GD.setdefault("raceday_modules", {})
plan = SD.get("plan")
if plan is None:
    plan = SD["plan"] = plpy.prepare(
        "SELECT m.source, m.md5, r.rolsuper AS trusted FROM raceday.plpython_modules m"
        " JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) m.tableoid"
        " JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) c.relowner"
        " WHERE m.name OPERATOR(pg_catalog.=) $1", ["text"])
cached = modules.get(name)
rows = plpy.execute(plan, [name])
if not rows:
    plpy.error(f"PL/Python module {name} is not deployed", sqlstate="58P01")
if not rows[0]["trusted"]:
    plpy.error(f"PL/Python module {name}: raceday.plpython_modules is not owned by a superuser; not run",
               sqlstate="42501")
if cached is None or cached["__md5__"] != rows[0]["md5"]:
    namespace = {"__name__": name, "__md5__": rows[0]["md5"]}
    exec(compile(rows[0]["source"], f"plpython/{name}.py", "exec"), namespace)
    modules[name] = namespace
return rows[0]["md5"]
$_$;

ALTER FUNCTION raceday.plpython_module(name text) OWNER TO raceday_owner;

-- Name: FUNCTION plpython_module(name text); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.plpython_module(name text) IS 'Load (or reload, when redeployed) a plpython/ module into the session; returns its hash.';

-- Name: poll_targets_hold_stopped(); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.poll_targets_hold_stopped() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    -- Whatever reschedules a stopped target (an ingest of a poll that was
    -- in flight when it stopped, a meetings refresh), it stays stopped:
    -- only resume_polling, which clears stopped_at, polls it again.
    IF NEW.stopped_at IS NOT NULL THEN
        NEW.next_poll_at := NULL;
    END IF;
    -- The ingest of a success sets failures to 0: that ends a run of 404s.
    IF NEW.failures = 0 THEN
        NEW.not_found := 0;
    END IF;
    RETURN NEW;
END
$$;

ALTER FUNCTION raceday.poll_targets_hold_stopped() OWNER TO raceday_owner;

-- Name: FUNCTION poll_targets_hold_stopped(); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.poll_targets_hold_stopped() IS 'Trigger: a stopped poll target keeps next_poll_at null; a success (failures 0) ends its run of 404s.';

-- Name: pool_cents(numeric, numeric); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.pool_cents(pool_dollars numeric, percentage numeric) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN ((sign((pool_dollars * percentage)) * floor((abs((pool_dollars * percentage)) + 0.5))))::bigint;

ALTER FUNCTION raceday.pool_cents(pool_dollars numeric, percentage numeric) OWNER TO raceday_owner;

-- Name: FUNCTION pool_cents(pool_dollars numeric, percentage numeric); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.pool_cents(pool_dollars numeric, percentage numeric) IS 'A percentage of a pool in dollars, as integer cents rounded half away from zero.';

-- Name: prune_change_feed(); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.prune_change_feed() RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'raceday', 'pg_temp'
    AS $$
DECLARE
    deleted bigint;
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('raceday.prune_change_feed')) THEN
        RETURN 0;
    END IF;
    DELETE FROM raceday.change_feed c USING raceday.settings cfg
    WHERE c.created_at < now() - cfg.change_feed_retention;
    GET DIAGNOSTICS deleted = ROW_COUNT;
    RETURN deleted;
END
$$;

ALTER FUNCTION raceday.prune_change_feed() OWNER TO raceday_owner;

-- Name: FUNCTION prune_change_feed(); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.prune_change_feed() IS 'Deletes change-feed rows older than their retention; returns how many.';

-- Name: prune_cron_history(); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.prune_cron_history() RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'raceday', 'pg_temp'
    AS $$
DECLARE
    deleted bigint;
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('raceday.prune_cron_history')) THEN
        RETURN 0;
    END IF;
    DELETE FROM cron.job_run_details d USING raceday.settings cfg
    WHERE d.end_time < now() - cfg.cron_history_retention;
    GET DIAGNOSTICS deleted = ROW_COUNT;
    RETURN deleted;
END
$$;

ALTER FUNCTION raceday.prune_cron_history() OWNER TO raceday_owner;

-- Name: FUNCTION prune_cron_history(); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.prune_cron_history() IS 'Deletes pg_cron run records older than their retention.';

-- Name: prune_derived(); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.prune_derived() RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'raceday', 'pg_temp'
    AS $$
DECLARE
    latest bigint;
    alerts bigint;
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('raceday.prune_derived')) THEN
        RETURN 0;
    END IF;
    DELETE FROM raceday.money_flow_latest l USING raceday.settings cfg
    WHERE l.event_timestamp < now() - cfg.history_retention;
    GET DIAGNOSTICS latest = ROW_COUNT;
    DELETE FROM raceday.race_alerts a USING raceday.settings cfg
    WHERE a.observed_at < now() - cfg.history_retention;
    GET DIAGNOSTICS alerts = ROW_COUNT;
    RETURN latest + alerts;
END
$$;

ALTER FUNCTION raceday.prune_derived() OWNER TO raceday_owner;

-- Name: FUNCTION prune_derived(); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.prune_derived() IS 'Deletes latest money-flow rows and alerts older than the history retention; returns how many.';

-- Name: prune_staging(); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.prune_staging() RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'raceday', 'pg_temp'
    AS $$
DECLARE
    cutoff timestamptz := now() - (SELECT staging_retention FROM raceday.settings);
    problems text[];
    deleted bigint;
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('raceday.prune_staging')) THEN
        RETURN 0;
    END IF;
    -- Every day with a row due must be covered by its archive, or nothing goes.
    problems := ARRAY(
        SELECT raceday.archive_problem(d.day, 'raw',
                   (SELECT count(*) FROM staging.raw_responses s
                    WHERE s.received_at >= nz_day_start(d.day) AND s.received_at < nz_day_start(d.day + 1)))
        FROM (SELECT DISTINCT nz_racing_day(s.received_at) AS day FROM staging.raw_responses s
              WHERE s.received_at < cutoff) d
        ORDER BY d.day);
    problems := array_remove(problems, NULL);
    IF cardinality(problems) > 0 THEN
        RAISE EXCEPTION 'prune_staging: nothing deleted: %', array_to_string(problems, '; ')
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Run python -m archive run (it archives and verifies), then prune again.';
    END IF;
    -- Quarantined rows stay until they are fixed: they are the evidence.
    WITH gone AS (
        DELETE FROM staging.raw_responses s
        WHERE s.received_at < cutoff
          AND (s.body IS NULL OR s.processed_at IS NOT NULL AND s.transform_error IS NULL)
        RETURNING nz_racing_day(s.received_at) AS day
    ), per_day AS (
        SELECT g.day, count(*) AS n FROM gone g GROUP BY g.day
    ), counted AS (
        UPDATE raceday.archives a SET deleted = a.deleted + p.n FROM per_day p
        WHERE a.day = p.day AND a.kind = 'raw'
        RETURNING p.n
    )
    SELECT coalesce(sum(n), 0) INTO deleted FROM counted;
    RETURN deleted;
END
$$;

ALTER FUNCTION raceday.prune_staging() OWNER TO raceday_owner;

-- Name: FUNCTION prune_staging(); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.prune_staging() IS 'Deletes processed raw responses older than the staging retention, only of days a verified archive holds whole; otherwise deletes nothing and raises, naming each day.';

-- Name: quality_score(text, double precision, double precision, integer, text[], integer, integer, integer, double precision); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.quality_score(status text, hold_sum double precision, bet_sum double precision, stray_ids integer, missing_pools text[], field_size integer, active_runners integer, negative_increments integer, delay_s double precision) RETURNS jsonb
    LANGUAGE plpython3u TRANSFORM FOR TYPE jsonb STABLE
    AS $$
if "load" not in SD:
    SD["load"] = plpy.prepare("SELECT raceday.plpython_module('raceday_quality')")
plpy.execute(SD["load"])
return GD["raceday_modules"]["raceday_quality"]["score"]({
    "status": status, "hold_sum": hold_sum, "bet_sum": bet_sum, "stray_ids": stray_ids,
    "missing_pools": missing_pools, "field_size": field_size, "active_runners": active_runners,
    "negative_increments": negative_increments, "delay_s": delay_s})
$$;

ALTER FUNCTION raceday.quality_score(status text, hold_sum double precision, bet_sum double precision, stray_ids integer, missing_pools text[], field_size integer, active_runners integer, negative_increments integer, delay_s double precision) OWNER TO raceday_owner;

-- Name: FUNCTION quality_score(status text, hold_sum double precision, bet_sum double precision, stray_ids integer, missing_pools text[], field_size integer, active_runners integer, negative_increments integer, delay_s double precision); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.quality_score(status text, hold_sum double precision, bet_sum double precision, stray_ids integer, missing_pools text[], field_size integer, active_runners integer, negative_increments integer, delay_s double precision) IS 'plpython/raceday_quality.py score(): {"score": 0-100, "reasons": [...]} of a poll''s quality facts.';

-- Name: race_alerts_detect(); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.race_alerts_detect() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    poll record;
BEGIN
    -- A poll writes one bucket of one race; a reprocess replays poll by poll.
    FOR poll IN SELECT n.race_id, n.time_interval, n.staging_id, max(n.event_timestamp) AS observed_at
                FROM new_rows n GROUP BY 1, 2, 3 LOOP
        INSERT INTO raceday.race_alerts (race_id, entrant_id, time_interval, kind, value, share, evidence,
                                         staging_id, observed_at)
        SELECT poll.race_id, (a ->> 'entrant_id')::uuid, poll.time_interval, a ->> 'kind', (a ->> 'value')::numeric,
               (a ->> 'share')::numeric, a -> 'evidence', poll.staging_id, poll.observed_at
        FROM (SELECT array_agg(l.entrant_id::text) AS e, array_agg(l.time_interval::float8) AS t,
                     array_agg(l.incremental_win_amount::float8) AS i, array_agg(l.hold_percentage::float8) AS h,
                     array_agg(l.fixed_win_odds::float8) AS o
              FROM raceday.money_flow_latest l
              -- The poll's bucket and each runner's previous one: all the
              -- rules compare, and a tenth of the rows of the race.
              WHERE l.race_id = poll.race_id
                AND (l.time_interval = poll.time_interval
                     OR l.time_interval IN (SELECT DISTINCT ON (p.entrant_id) p.time_interval
                                            FROM raceday.money_flow_latest p
                                            WHERE p.race_id = poll.race_id AND p.time_interval > poll.time_interval
                                            ORDER BY p.entrant_id, p.time_interval))) tl
        CROSS JOIN jsonb_array_elements(raceday.detect_alerts(tl.e, tl.t, tl.i, tl.h, tl.o, poll.time_interval::float8)) a
        ON CONFLICT (race_id, entrant_id, time_interval, kind) DO NOTHING;
    END LOOP;
    RETURN NULL;
END
$$;

ALTER FUNCTION raceday.race_alerts_detect() OWNER TO raceday_owner;

-- Name: race_alerts_forget(); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.race_alerts_forget() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    DELETE FROM raceday.race_alerts a
    USING (SELECT DISTINCT o.race_id, o.time_interval FROM old_rows o) k
    WHERE a.race_id = k.race_id AND a.time_interval = k.time_interval;
    RETURN NULL;
END
$$;

ALTER FUNCTION raceday.race_alerts_forget() OWNER TO raceday_owner;

-- Name: release_polls(text); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.release_polls(worker text) RETURNS integer
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'raceday', 'pg_temp'
    BEGIN ATOMIC
 WITH released AS (
          UPDATE raceday.poll_targets SET lease_owner = NULL::text, lease_until = NULL::timestamp with time zone
           WHERE (poll_targets.lease_owner = release_polls.worker)
           RETURNING 1 AS "?column?"
         )
  SELECT (count(*))::integer AS count
    FROM released;
END;

ALTER FUNCTION raceday.release_polls(worker text) OWNER TO raceday_owner;

-- Name: FUNCTION release_polls(worker text); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.release_polls(worker text) IS 'Hands back the leases a stopping fetcher still holds; returns how many.';

-- Name: replay_day(date); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.replay_day(day date) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'raceday', 'pg_temp'
    AS $$
#variable_conflict use_variable
DECLARE
    races uuid[];
    poll record;
    replayed integer := 0;
BEGIN
    IF day IS NULL THEN
        RAISE EXCEPTION 'replay_day: day is null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    races := ARRAY(SELECT DISTINCT s.target::uuid FROM staging.raw_responses s
                   WHERE s.received_at >= nz_day_start(day) AND s.received_at < nz_day_start(day + 1)
                     AND s.kind = 'event' AND pg_input_is_valid(s.target, 'uuid'));
    PERFORM FROM raceday.races r WHERE r.race_id = ANY (races) ORDER BY r.race_id FOR UPDATE;
    DELETE FROM raceday.money_flow_history h WHERE h.race_id = ANY (races);
    DELETE FROM raceday.odds_history h WHERE h.race_id = ANY (races);
    DELETE FROM raceday.poll_quality q WHERE q.race_id = ANY (races);
    DELETE FROM raceday.race_results t WHERE t.race_id = ANY (races);
    DELETE FROM raceday.race_pools t WHERE t.race_id = ANY (races);
    DELETE FROM raceday.entrants t WHERE t.race_id = ANY (races);
    -- Observations of the day may fall a little either side of its receipts.
    PERFORM raceday.ensure_history_partitions(day - 1, day + 1);
    FOR poll IN
        SELECT s.id, s.kind FROM staging.raw_responses s
        WHERE s.received_at >= nz_day_start(day) AND s.received_at < nz_day_start(day + 1) AND s.body IS NOT NULL
        ORDER BY s.id
    LOOP
        PERFORM raceday.run_transform(poll.id, poll.kind);
        replayed := replayed + 1;
    END LOOP;
    UPDATE raceday.poll_targets t
    SET stopped_at = raceday.clock(), stopped_reason = format('replayed from the archive of %s', day)
    FROM raceday.races r
    WHERE r.race_id = t.race_id AND t.stopped_at IS NULL
      AND (r.race_id = ANY (races) OR r.start_time >= nz_day_start(day) AND r.start_time < nz_day_start(day + 1));
    RETURN replayed;
END
$$;

ALTER FUNCTION raceday.replay_day(day date) OWNER TO raceday_owner;

-- Name: FUNCTION replay_day(day date); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.replay_day(day date) IS 'Rebuilds an NZ racing day from its stored responses, meetings pages and events in the order they were stored (after a restore from its archive); stops its races'' polling; returns how many responses.';

-- Name: reprocess(uuid); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.reprocess(race_id uuid) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'raceday', 'pg_temp'
    AS $$
DECLARE
    poll record;
    replayed integer := 0;
BEGIN
    IF race_id IS NULL THEN
        RAISE EXCEPTION 'reprocess: race_id is null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM FROM raceday.races r WHERE r.race_id = reprocess.race_id FOR UPDATE;
    DELETE FROM raceday.money_flow_history h WHERE h.race_id = reprocess.race_id;
    DELETE FROM raceday.odds_history h WHERE h.race_id = reprocess.race_id;
    DELETE FROM raceday.poll_quality q WHERE q.race_id = reprocess.race_id;
    DELETE FROM raceday.race_results t WHERE t.race_id = reprocess.race_id;
    DELETE FROM raceday.race_pools t WHERE t.race_id = reprocess.race_id;
    DELETE FROM raceday.entrants t WHERE t.race_id = reprocess.race_id;
    FOR poll IN
        SELECT s.id FROM staging.raw_responses s
        WHERE s.kind = 'event' AND s.target = reprocess.race_id::text AND s.body IS NOT NULL
        ORDER BY coalesce(s.generated_at, s.received_at), s.id
    LOOP
        PERFORM raceday.run_transform(poll.id, 'event');
        replayed := replayed + 1;
    END LOOP;
    RETURN replayed;
END
$$;

ALTER FUNCTION raceday.reprocess(race_id uuid) OWNER TO raceday_owner;

-- Name: FUNCTION reprocess(race_id uuid); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.reprocess(race_id uuid) IS 'Rebuilds a race''s derived rows from its stored event polls, in observation order; returns how many polls.';

-- Name: resume_polling(text); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.resume_polling(target text) RETURNS raceday.poll_targets
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'raceday', 'pg_temp'
    AS $$
DECLARE
    resumed raceday.poll_targets;
BEGIN
    UPDATE raceday.poll_targets t
    SET stopped_at = NULL, stopped_reason = NULL, resumed_at = raceday.clock(), next_poll_at = raceday.clock(),
        failures = 0, not_found = 0
    WHERE t.target = resume_polling.target
    RETURNING t.* INTO resumed;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'resume_polling: % is not a poll target', coalesce(quote_literal(resume_polling.target), 'null')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'A target is a race id or meetings:<NZ day>:<page offset>; see ops.stopped_targets.';
    END IF;
    RETURN resumed;
END
$$;

ALTER FUNCTION raceday.resume_polling(target text) OWNER TO raceday_owner;

-- Name: FUNCTION resume_polling(target text); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.resume_polling(target text) IS 'Polls a target again at once (stopped or not), clearing its stop and failure counts; the hours-past-start rule counts from now. Returns the target.';

-- Name: run_transform(bigint, text, jsonb); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.run_transform(staging_id bigint, kind text, doc jsonb DEFAULT NULL::jsonb) RETURNS boolean
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'raceday', 'pg_temp'
    AS $$
DECLARE
    failure text;
BEGIN
    BEGIN
        IF kind = 'meetings' THEN
            PERFORM raceday.transform_meetings(staging_id, doc);
        ELSE
            -- The observation time picks the history day (and its
            -- partition): bounded before anything is derived.
            PERFORM raceday.check_observation_time(staging_id);
            PERFORM raceday.transform_event(staging_id, doc);
        END IF;
    EXCEPTION WHEN OTHERS THEN
        failure := SQLSTATE || ': ' || SQLERRM;
    END;
    UPDATE staging.raw_responses SET processed_at = clock_timestamp(), transform_error = failure
    WHERE id = staging_id;
    RETURN failure IS NULL;
END
$$;

ALTER FUNCTION raceday.run_transform(staging_id bigint, kind text, doc jsonb) OWNER TO raceday_owner;

-- Name: FUNCTION run_transform(staging_id bigint, kind text, doc jsonb); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.run_transform(staging_id bigint, kind text, doc jsonb) IS 'Transforms a stored response in a subtransaction, an event only if its generated_time is near its receipt; a failure quarantines it (transform_error) instead of raising.';

-- Name: score_poll_quality(); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.score_poll_quality() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    result jsonb;
BEGIN
    result := raceday.quality_score(
        NEW.status, NEW.hold_sum, NEW.bet_sum, NEW.stray_ids, NEW.missing_pools,
        (SELECT r.field_size FROM raceday.races r WHERE r.race_id = NEW.race_id), NEW.active_runners,
        -- The poll's rows carry its observation time: one partition is read.
        (SELECT count(*)::integer FROM raceday.money_flow_history h
         WHERE h.staging_id = NEW.staging_id AND h.event_timestamp = NEW.observed_at
           AND (h.incremental_win_amount < 0 OR h.incremental_place_amount < 0)),
        (SELECT extract(epoch FROM s.received_at - NEW.observed_at)::float8
         FROM staging.raw_responses s WHERE s.id = NEW.staging_id));
    NEW.score := (result ->> 'score')::smallint;
    NEW.reasons := ARRAY(SELECT jsonb_array_elements_text(result -> 'reasons'));
    RETURN NEW;
END
$$;

ALTER FUNCTION raceday.score_poll_quality() OWNER TO raceday_owner;

-- Name: signed_in_user(); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.signed_in_user() RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
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

ALTER FUNCTION raceday.signed_in_user() OWNER TO raceday_owner;

-- Name: FUNCTION signed_in_user(); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.signed_in_user() IS 'The signed-in user (the token''s sub), or an error when the request has none.';

-- Name: spread_overdue(); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.spread_overdue() RETURNS integer
    LANGUAGE sql
    BEGIN ATOMIC
 WITH late AS (
          SELECT t.target,
             raceday.poll_interval(r.status, r.start_time, raceday.clock()) AS every
            FROM (raceday.poll_targets t
              JOIN raceday.races r ON ((r.race_id = t.race_id)))
           WHERE ((t.kind = 'event'::text) AND (t.lease_owner IS NULL) AND (t.next_poll_at < (raceday.clock() - '00:01:00'::interval)))
         ), spread AS (
          UPDATE raceday.poll_targets t SET next_poll_at = (raceday.clock() + (random() * late.every))
            FROM late
           WHERE ((t.target = late.target) AND (late.every >= '00:01:00'::interval) AND (t.next_poll_at < (raceday.clock() - late.every)))
           RETURNING 1 AS "?column?"
         )
  SELECT (count(*))::integer AS count
    FROM spread;
END;

ALTER FUNCTION raceday.spread_overdue() OWNER TO raceday_owner;

-- Name: FUNCTION spread_overdue(); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.spread_overdue() IS 'Spreads event polls overdue by more than their interval (60 s or longer) over that interval.';

-- Name: stop_polling(text, text); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.stop_polling(target text, reason text) RETURNS raceday.poll_targets
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'raceday', 'pg_temp'
    AS $$
DECLARE
    stopped raceday.poll_targets;
BEGIN
    IF reason IS NULL OR btrim(reason) = '' OR length(reason) > 500 THEN
        RAISE EXCEPTION 'stop_polling: a reason of 1 to 500 characters is required'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE raceday.poll_targets t
    SET next_poll_at = NULL, stopped_at = raceday.clock(),
        stopped_reason = format('stopped by hand (%s): %s', session_user, btrim(reason))
    WHERE t.target = stop_polling.target
    RETURNING t.* INTO stopped;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'stop_polling: % is not a poll target', coalesce(quote_literal(stop_polling.target), 'null')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'A target is a race id or meetings:<NZ day>:<page offset>; see raceday.poll_targets.';
    END IF;
    RETURN stopped;
END
$$;

ALTER FUNCTION raceday.stop_polling(target text, reason text) OWNER TO raceday_owner;

-- Name: FUNCTION stop_polling(target text, reason text); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.stop_polling(target text, reason text) IS 'Stops polling a target (race id or meetings:<day>:<offset>) until raceday.resume_polling; records who and why. Returns the target.';

-- Name: stop_stale_races(); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.stop_stale_races() RETURNS integer
    LANGUAGE sql
    SET search_path TO 'pg_catalog', 'raceday', 'pg_temp'
    BEGIN ATOMIC
 WITH stale AS (
          SELECT t.target,
             r.start_time,
             r.status,
             s.stop_after_start
            FROM ((raceday.poll_targets t
              JOIN raceday.races r ON ((r.race_id = t.race_id)))
              CROSS JOIN raceday.settings s)
           WHERE ((t.kind = 'event'::text) AND (t.next_poll_at <= raceday.clock()) AND (t.stopped_at IS NULL) AND ((t.lease_until IS NULL) OR (t.lease_until < now())) AND ((GREATEST(r.start_time, t.resumed_at) + s.stop_after_start) <= raceday.clock()))
          FOR UPDATE OF t SKIP LOCKED
         ), stopped AS (
          UPDATE raceday.poll_targets t SET next_poll_at = NULL::timestamp with time zone, stopped_at = raceday.clock(), stopped_reason = format('no final result %s h after its advertised start (%s NZ); status %s'::text, trim_scale(round((EXTRACT(epoch FROM stale.stop_after_start) / (3600)::numeric), 2)), to_char((stale.start_time AT TIME ZONE 'Pacific/Auckland'::text), 'YYYY-MM-DD HH24:MI'::text), stale.status)
            FROM stale
           WHERE (t.target = stale.target)
           RETURNING 1 AS "?column?"
         )
  SELECT (count(*))::integer AS count
    FROM stopped;
END;

ALTER FUNCTION raceday.stop_stale_races() OWNER TO raceday_owner;

-- Name: FUNCTION stop_stale_races(); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.stop_stale_races() IS 'Stops polling due races still not final or abandoned settings.stop_after_start after their advertised start (or their resume by hand); returns how many.';

-- Name: store_response(text, text, text, jsonb, timestamp with time zone, jsonb); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.store_response(p_kind text, p_target text, p_text text, p_response jsonb, p_received_at timestamp with time zone, p_meta jsonb, OUT staging_id bigint, OUT is_new boolean) RETURNS record
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'raceday', 'pg_temp'
    AS $$
DECLARE
    generated text := p_response #>> '{header,generated_time}';
    v_received timestamptz := coalesce(p_received_at, now());
    v_generated timestamptz;
    v_skew interval;
    v_on_clock timestamptz;
    v_skew_on_clock interval;
BEGIN
    -- TAB writes nanoseconds; PostgreSQL keeps microseconds. A bad value
    -- leaves the column null rather than losing the response.
    IF pg_input_is_valid(generated, 'timestamptz') THEN
        v_generated := generated::timestamptz;
        -- Clamped to a millennium either way: the difference of two
        -- timestamps far apart (or infinity) does not fit an interval.
        v_skew := least(greatest(v_generated, v_received - interval '1000 years'),
                        v_received + interval '1000 years') - v_received;
        v_on_clock := raceday.clock_at(v_received);
        v_skew_on_clock := least(greatest(v_generated, v_on_clock - interval '1000 years'),
                                 v_on_clock + interval '1000 years') - v_on_clock;
        IF greatest(v_skew_on_clock, -v_skew_on_clock) < greatest(v_skew, -v_skew) THEN
            v_skew := v_skew_on_clock;
        END IF;
    END IF;
    INSERT INTO staging.raw_responses AS r
        (kind, target, url, http_status, attempt, worker, received_at, last_received_at,
         generated_at, clock_skew, body, body_bytes, content_hash)
    VALUES (p_kind, p_target, p_meta ->> 'url', coalesce((p_meta ->> 'http_status')::integer, 200),
            coalesce((p_meta ->> 'attempt')::integer, 1), p_meta ->> 'worker',
            v_received, v_received, v_generated, v_skew,
            p_text, coalesce((p_meta ->> 'bytes')::integer, octet_length(p_text)),
            staging.content_hash(p_text, generated))
    ON CONFLICT (target, content_hash) DO UPDATE
        SET seen_count = r.seen_count + 1,
            last_received_at = greatest(r.last_received_at, excluded.received_at)
    RETURNING r.id, (r.xmax = 0) INTO staging_id, is_new;
END
$$;

ALTER FUNCTION raceday.store_response(p_kind text, p_target text, p_text text, p_response jsonb, p_received_at timestamp with time zone, p_meta jsonb, OUT staging_id bigint, OUT is_new boolean) OWNER TO raceday_owner;

-- Name: FUNCTION store_response(p_kind text, p_target text, p_text text, p_response jsonb, p_received_at timestamp with time zone, p_meta jsonb, OUT staging_id bigint, OUT is_new boolean); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.store_response(p_kind text, p_target text, p_text text, p_response jsonb, p_received_at timestamp with time zone, p_meta jsonb, OUT staging_id bigint, OUT is_new boolean) IS 'Stores a raw response as received, given also as parsed (or counts a repeat of the same data), with how far its generated_time is from its receipt; returns its staging id and whether it is new.';

-- Name: sweep(integer, boolean); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.sweep(max_rows integer DEFAULT 200, force boolean DEFAULT false) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'raceday', 'pg_temp'
    AS $$
DECLARE
    pending bigint[];
    item record;
BEGIN
    IF max_rows IS NULL OR max_rows < 1 OR force IS NULL THEN
        RAISE EXCEPTION 'sweep: max_rows must be at least 1 and force true or false, not % and %', max_rows, force
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Runs never pile up: a sweep still running makes the next one a no-op.
    IF NOT pg_try_advisory_xact_lock(hashtext('raceday.sweep')) THEN
        RETURN 0;
    END IF;
    pending := ARRAY(
        SELECT s.id FROM staging.raw_responses s
        WHERE s.body IS NOT NULL
          AND (s.processed_at IS NULL
               OR s.transform_error IS NOT NULL
                  AND (force OR s.processed_at <= now() - least(greatest(s.processed_at - s.received_at,
                                                                         interval '1 minute'),
                                                                interval '1 hour')))
        ORDER BY s.processed_at NULLS FIRST, s.id LIMIT max_rows);
    FOR item IN
        SELECT s.id, s.kind FROM staging.raw_responses s
        WHERE s.id = ANY (pending) AND s.kind <> 'event' ORDER BY s.id
    LOOP
        PERFORM raceday.run_transform(item.id, item.kind);
    END LOOP;
    -- One reprocess per race replays all its polls, the pending ones included.
    FOR item IN
        SELECT s.target FROM staging.raw_responses s
        WHERE s.id = ANY (pending) AND s.kind = 'event' AND pg_input_is_valid(s.target, 'uuid')
        GROUP BY s.target ORDER BY min(s.id)
    LOOP
        PERFORM raceday.reprocess(item.target::uuid);
    END LOOP;
    RETURN (SELECT count(*) FROM staging.raw_responses s
            WHERE s.id = ANY (pending) AND s.transform_error IS NULL AND s.processed_at IS NOT NULL);
END
$$;

ALTER FUNCTION raceday.sweep(max_rows integer, force boolean) OWNER TO raceday_owner;

-- Name: FUNCTION sweep(max_rows integer, force boolean); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.sweep(max_rows integer, force boolean) IS 'Retries up to max_rows stored responses: unprocessed ones first, then quarantined ones whose wait is over (it doubles from a minute to an hour; force skips it). Events are retried by reprocessing their race, once per race. Returns how many now succeed.';

-- Name: time_bucket(numeric); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.time_bucket(minutes_to_start numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN CASE WHEN (minutes_to_start >= (60)::numeric) THEN (60)::numeric WHEN (minutes_to_start >= (5)::numeric) THEN (floor((minutes_to_start / (5)::numeric)) * (5)::numeric) WHEN (minutes_to_start >= (1)::numeric) THEN floor(minutes_to_start) WHEN (minutes_to_start >= (0)::numeric) THEN (0)::numeric WHEN (minutes_to_start >= ('-5'::integer)::numeric) THEN (floor((minutes_to_start * (2)::numeric)) / (2)::numeric) ELSE ceil(minutes_to_start) END;

ALTER FUNCTION raceday.time_bucket(minutes_to_start numeric) OWNER TO raceday_owner;

-- Name: FUNCTION time_bucket(minutes_to_start numeric); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.time_bucket(minutes_to_start numeric) IS 'The client''s money-flow bucket (time_interval) for a time to start in minutes.';

-- Name: touch_updated_at(); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.touch_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    NEW.updated_at := OLD.updated_at;
    IF NEW IS DISTINCT FROM OLD THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;

ALTER FUNCTION raceday.touch_updated_at() OWNER TO raceday_owner;

-- Name: FUNCTION touch_updated_at(); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.touch_updated_at() IS 'BEFORE UPDATE trigger: moves updated_at to now() only when a column really changed.';

-- Name: track_poll_lateness(); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.track_poll_lateness() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'raceday', 'pg_temp'
    AS $$
BEGIN
    NEW.claim_lag := greatest(raceday.clock() - OLD.next_poll_at, interval '0');
    NEW.late_streak := CASE WHEN NEW.claim_lag > interval '15 seconds' THEN OLD.late_streak + 1 ELSE 0 END;
    RETURN NEW;
END
$$;

ALTER FUNCTION raceday.track_poll_lateness() OWNER TO raceday_owner;

-- Name: FUNCTION track_poll_lateness(); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.track_poll_lateness() IS 'Trigger: a claim (a new lease on a due target) records how late it came and counts late claims in a row.';

-- Name: transform_event(bigint, jsonb); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.transform_event(staging_id bigint, doc jsonb DEFAULT NULL::jsonb) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'raceday'
    SET plan_cache_mode TO 'force_generic_plan'
    AS $$
DECLARE
    src         record;
    race        jsonb;
    race_uuid   uuid;
    new_status  text;
    start_at    timestamptz;
    runners     jsonb;
    money       jsonb;
    pools       jsonb;
    win_total   numeric;
    place_total numeric;
    day         date;
BEGIN
    -- The stored text is read, and parsed, only without doc.
    SELECT r.target, coalesce(r.generated_at, r.received_at) AS observed, r.received_at,
           CASE WHEN doc IS NULL THEN r.body::jsonb END AS stored
    INTO src FROM staging.raw_responses r WHERE r.id = staging_id;
    doc := coalesce(doc, src.stored);
    race := doc #> '{data,race}';
    runners := raceday.event_runners(doc #> '{data,runners}');
    IF jsonb_typeof(race) IS DISTINCT FROM 'object' THEN
        RAISE EXCEPTION 'event response % has no data.race object', staging_id
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF race ->> 'event_id' IS DISTINCT FROM src.target THEN
        RAISE EXCEPTION 'event response % is for race %, polled as %', staging_id, race ->> 'event_id', src.target
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    race_uuid := src.target::uuid;
    new_status := lower(race ->> 'status');
    start_at := coalesce(
        to_timestamp(nullif((race ->> 'advertised_start')::bigint, 0)),
        ((race ->> 'race_date_nz') || ' ' || split_part(race ->> 'start_time_nz', ' ', 1))::timestamp
            AT TIME ZONE 'Pacific/Auckland');
    IF start_at IS NULL THEN
        RAISE EXCEPTION 'event response % has no start time', staging_id USING ERRCODE = 'invalid_parameter_value';
    END IF;
    money := raceday.event_money(doc #> '{data,money_tracker,entrants}');
    pools := raceday.event_pools(doc #> '{data,tote_pools}', doc #> '{data,dividends}');
    win_total := (pools ->> 'win')::numeric;
    place_total := (pools ->> 'place')::numeric;

    -- One transform of a race at a time (a live poll and a reprocess).
    PERFORM FROM raceday.races r WHERE r.race_id = race_uuid FOR UPDATE;

    PERFORM raceday.transform_race(race_uuid, src.observed, race, start_at, new_status);
    PERFORM raceday.transform_runners(race_uuid, runners, money, win_total, place_total);
    PERFORM raceday.transform_pools(race_uuid, src.observed, pools);
    PERFORM raceday.transform_results(race_uuid, src.observed, new_status, doc #> '{data,results}',
                                      doc #> '{data,dividends}', runners);
    day := nz_racing_day(src.observed);
    IF to_regclass('raceday.money_flow_history_' || to_char(day, 'YYYYMMDD')) IS NULL
       OR to_regclass('raceday.odds_history_' || to_char(day, 'YYYYMMDD')) IS NULL THEN
        PERFORM raceday.ensure_history_partitions(day, day);
    END IF;
    PERFORM raceday.transform_odds(staging_id, race_uuid, src.observed, runners);
    PERFORM raceday.transform_money_flow(staging_id, race_uuid, src.observed, src.received_at, start_at, new_status,
                                         runners, money, win_total, place_total);
    PERFORM raceday.transform_quality(staging_id, race_uuid, src.observed, new_status, runners, money, win_total,
                                      place_total);
END
$$;

ALTER FUNCTION raceday.transform_event(staging_id bigint, doc jsonb) OWNER TO raceday_owner;

-- Name: FUNCTION transform_event(staging_id bigint, doc jsonb); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.transform_event(staging_id bigint, doc jsonb) IS 'Turns one stored event response (doc: its document, if the caller has it) into races, entrants, pools, results, odds and money-flow history, and its quality record.';

-- Name: transform_meetings(bigint, jsonb); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.transform_meetings(staging_id bigint, doc jsonb DEFAULT NULL::jsonb) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'raceday'
    AS $$
DECLARE
    meetings jsonb;
    observed timestamptz;
    new_races integer;
BEGIN
    SELECT coalesce(doc, r.body::jsonb) -> 'data' -> 'meetings', coalesce(r.generated_at, r.received_at)
    INTO meetings, observed
    FROM staging.raw_responses r WHERE r.id = staging_id;
    IF jsonb_typeof(meetings) IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'meetings response % has no data.meetings array', staging_id
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    INSERT INTO raceday.meetings AS t (meeting_id, meeting_name, country, category, date, state, track_condition)
    SELECT m.meeting, m.name, m.country, m.category, left(m.date, 10)::date, m.state, nullif(m.track_condition, '')
    FROM jsonb_to_recordset(meetings) AS m(meeting uuid, name text, country text, category text, date text,
                                      state text, track_condition text),
         raceday.settings s
    WHERE m.country = ANY (s.countries) AND m.category = ANY (s.categories)
    ON CONFLICT (meeting_id) DO UPDATE
        SET meeting_name = excluded.meeting_name, country = excluded.country, category = excluded.category,
            date = excluded.date, state = excluded.state, track_condition = excluded.track_condition
        WHERE (t.meeting_name, t.country, t.category, t.date, t.state, t.track_condition)
              IS DISTINCT FROM (excluded.meeting_name, excluded.country, excluded.category, excluded.date,
                                excluded.state, excluded.track_condition);

    WITH races AS (
        SELECT (m ->> 'meeting')::uuid AS meeting_id, m ->> 'category' AS category, r.*
        FROM jsonb_array_elements(meetings) AS m
        CROSS JOIN raceday.settings s
        CROSS JOIN LATERAL jsonb_to_recordset(m -> 'races') AS r(
            id uuid, race_number integer, name text, start_time timestamptz, track_condition text,
            distance integer, weather text, status text)
        WHERE m ->> 'country' = ANY (s.countries) AND m ->> 'category' = ANY (s.categories)
    ), upserted AS (
        INSERT INTO raceday.races AS t (race_id, meeting_id, name, race_number, start_time, status, distance,
                                        track_condition, weather, type, last_status_change)
        SELECT id, meeting_id, name, race_number, start_time, lower(status), distance,
               nullif(track_condition, ''), nullif(weather, ''), category, observed
        FROM races
        ON CONFLICT (race_id) DO UPDATE
            SET name = excluded.name, race_number = excluded.race_number, start_time = excluded.start_time,
                status = excluded.status, distance = excluded.distance,
                track_condition = excluded.track_condition, weather = excluded.weather,
                last_status_change = CASE WHEN t.status IS DISTINCT FROM excluded.status
                                          THEN observed ELSE t.last_status_change END
            WHERE (t.name, t.race_number, t.start_time, t.status, t.distance, t.track_condition, t.weather)
                  IS DISTINCT FROM (excluded.name, excluded.race_number, excluded.start_time, excluded.status,
                                    excluded.distance, excluded.track_condition, excluded.weather)
        RETURNING t.race_id
    )
    INSERT INTO raceday.poll_targets (target, kind, race_id, next_poll_at)
    SELECT race_id::text, 'event', race_id, raceday.clock() FROM upserted
    ON CONFLICT (target) DO NOTHING;
    GET DIAGNOSTICS new_races = ROW_COUNT;
    RETURN new_races;
END
$$;

ALTER FUNCTION raceday.transform_meetings(staging_id bigint, doc jsonb) OWNER TO raceday_owner;

-- Name: FUNCTION transform_meetings(staging_id bigint, doc jsonb); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.transform_meetings(staging_id bigint, doc jsonb) IS 'Upserts the in-scope meetings and races of a stored meetings response; schedules new races. Returns how many were new.';

-- Name: transform_money_flow(bigint, uuid, timestamp with time zone, timestamp with time zone, timestamp with time zone, text, jsonb, jsonb, numeric, numeric); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.transform_money_flow(staging_id bigint, race_uuid uuid, observed timestamp with time zone, received_at timestamp with time zone, start_at timestamp with time zone, new_status text, runners jsonb, money jsonb, win_total numeric, place_total numeric) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'raceday'
    SET plan_cache_mode TO 'force_generic_plan'
    AS $$
DECLARE
    old_status text;
    minutes    numeric := round(extract(epoch FROM start_at - observed) / 60, 3);
    bucket     numeric := raceday.time_bucket(minutes);
    itype      text := raceday.interval_type(minutes);
BEGIN
    IF money IS NULL OR new_status IS NULL OR new_status NOT IN ('open', 'closed') THEN
        RETURN;
    END IF;
    -- Closed: written only if the previous event poll saw it open. Event
    -- polls only (not the meetings list), so a replay decides the same.
    IF new_status = 'closed' THEN
        SELECT q.status INTO old_status FROM raceday.poll_quality q
        WHERE q.race_id = race_uuid AND q.observed_at < observed
        ORDER BY q.observed_at DESC LIMIT 1;
        IF coalesce(old_status, 'open') <> 'open' THEN
            RETURN;
        END IF;
    END IF;
    INSERT INTO raceday.money_flow_history (
        race_id, entrant_id, staging_id, time_interval, time_to_start, interval_type, hold_percentage,
        bet_percentage, win_pool_amount, place_pool_amount, win_pool_percentage, place_pool_percentage,
        incremental_win_amount, incremental_place_amount, incremental_amount, fixed_win_odds, fixed_place_odds,
        pool_win_odds, pool_place_odds, event_timestamp, polling_timestamp)
    SELECT race_uuid, f.entrant_id, transform_money_flow.staging_id, bucket, minutes, itype,
           f.hold, f.bet, f.win_amount, f.place_amount,
           round(f.win_amount / nullif(win_total, 0), 2), round(f.place_amount / nullif(place_total, 0), 2),
           inc.win, inc.place, inc.win, f.fixed_win, f.fixed_place, f.pool_win, f.pool_place, observed, received_at
    FROM (SELECT x.entrant_id, m.hold, m.bet,
                 raceday.pool_cents(win_total, m.hold) AS win_amount,
                 raceday.pool_cents(place_total, m.hold) AS place_amount,
                 nullif((x.odds ->> 'fixed_win')::numeric, 0) AS fixed_win,
                 nullif((x.odds ->> 'fixed_place')::numeric, 0) AS fixed_place,
                 nullif((x.odds ->> 'pool_win')::numeric, 0) AS pool_win,
                 nullif((x.odds ->> 'pool_place')::numeric, 0) AS pool_place
          FROM jsonb_to_recordset(runners) AS x(entrant_id uuid, is_scratched boolean, odds jsonb)
          CROSS JOIN LATERAL (SELECT coalesce((money -> x.entrant_id::text ->> 'hold')::numeric, 0) AS hold,
                                     coalesce((money -> x.entrant_id::text ->> 'bet')::numeric, 0) AS bet) m
          WHERE NOT coalesce(x.is_scratched, false)) f
    LEFT JOIN LATERAL (SELECT true AS found, h.win_pool_amount, h.place_pool_amount
                       FROM raceday.money_flow_history h
                       WHERE h.race_id = race_uuid AND h.entrant_id = f.entrant_id
                         AND h.time_interval > bucket AND h.event_timestamp < observed
                       ORDER BY h.time_interval, h.event_timestamp DESC LIMIT 1) prev ON true
    -- Against the nearest earlier bucket; with none, the full amount in the
    -- baseline buckets (>= 55) and 0 later.
    CROSS JOIN LATERAL (SELECT CASE WHEN prev.found THEN f.win_amount - prev.win_pool_amount
                                    WHEN bucket >= 55 THEN f.win_amount ELSE 0 END AS win,
                               CASE WHEN prev.found THEN f.place_amount - prev.place_pool_amount
                                    WHEN bucket >= 55 THEN f.place_amount ELSE 0 END AS place) inc
    ON CONFLICT (race_id, entrant_id, event_timestamp) DO NOTHING;
END
$$;

ALTER FUNCTION raceday.transform_money_flow(staging_id bigint, race_uuid uuid, observed timestamp with time zone, received_at timestamp with time zone, start_at timestamp with time zone, new_status text, runners jsonb, money jsonb, win_total numeric, place_total numeric) OWNER TO raceday_owner;

-- Name: FUNCTION transform_money_flow(staging_id bigint, race_uuid uuid, observed timestamp with time zone, received_at timestamp with time zone, start_at timestamp with time zone, new_status text, runners jsonb, money jsonb, win_total numeric, place_total numeric); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.transform_money_flow(staging_id bigint, race_uuid uuid, observed timestamp with time zone, received_at timestamp with time zone, start_at timestamp with time zone, new_status text, runners jsonb, money jsonb, win_total numeric, place_total numeric) IS 'Part of transform_event: the money-flow rows of a poll, while open and on the first poll closed.';

-- Name: transform_odds(bigint, uuid, timestamp with time zone, jsonb); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.transform_odds(staging_id bigint, race_uuid uuid, observed timestamp with time zone, runners jsonb) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'raceday'
    SET plan_cache_mode TO 'force_generic_plan'
    AS $$
BEGIN
    INSERT INTO raceday.odds_history (race_id, entrant_id, staging_id, odds_type, odds, event_timestamp)
    SELECT race_uuid, o.entrant_id, transform_odds.staging_id, o.odds_type, round(o.value, 2), observed
    FROM (SELECT x.entrant_id, k.odds_type, (x.odds ->> k.odds_type)::numeric AS value
          FROM jsonb_to_recordset(runners)
                   AS x(entrant_id uuid, odds jsonb)
          CROSS JOIN unnest(ARRAY['fixed_win', 'fixed_place', 'pool_win', 'pool_place']) AS k(odds_type)) o
    LEFT JOIN LATERAL (SELECT h.odds, h.event_timestamp FROM raceday.odds_history h
                       WHERE h.race_id = race_uuid AND h.entrant_id = o.entrant_id AND h.odds_type = o.odds_type
                         AND h.event_timestamp <= observed
                       ORDER BY h.event_timestamp DESC LIMIT 1) last ON true
    -- A row at this very instant: the poll was transformed before; nothing more.
    WHERE o.value > 0
      AND (last.odds IS NULL OR (last.event_timestamp < observed AND abs(o.value - last.odds) > 0.01));
END
$$;

ALTER FUNCTION raceday.transform_odds(staging_id bigint, race_uuid uuid, observed timestamp with time zone, runners jsonb) OWNER TO raceday_owner;

-- Name: FUNCTION transform_odds(staging_id bigint, race_uuid uuid, observed timestamp with time zone, runners jsonb); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.transform_odds(staging_id bigint, race_uuid uuid, observed timestamp with time zone, runners jsonb) IS 'Part of transform_event: the runners'' odds that moved more than 0.01, to odds_history.';

-- Name: transform_pools(uuid, timestamp with time zone, jsonb); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.transform_pools(race_uuid uuid, observed timestamp with time zone, pools jsonb) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'raceday'
    SET plan_cache_mode TO 'force_generic_plan'
    AS $$
BEGIN
    IF pools IS NULL THEN
        RETURN;
    END IF;
    INSERT INTO raceday.race_pools AS t (race_id, win_pool_total, place_pool_total, quinella_pool_total,
                                         trifecta_pool_total, exacta_pool_total, first4_pool_total,
                                         total_race_pool, last_updated)
    SELECT race_uuid, coalesce(round((pools ->> 'win')::numeric * 100), 0),
           coalesce(round((pools ->> 'place')::numeric * 100), 0),
           coalesce(round((pools ->> 'quinella')::numeric * 100), 0),
           coalesce(round((pools ->> 'trifecta')::numeric * 100), 0),
           coalesce(round((pools ->> 'exacta')::numeric * 100), 0),
           coalesce(round((pools ->> 'first4')::numeric * 100), 0),
           (SELECT coalesce(sum(round(value::numeric * 100)), 0) FROM jsonb_each_text(pools)),
           observed
    ON CONFLICT (race_id) DO UPDATE
        SET win_pool_total = excluded.win_pool_total, place_pool_total = excluded.place_pool_total,
            quinella_pool_total = excluded.quinella_pool_total, trifecta_pool_total = excluded.trifecta_pool_total,
            exacta_pool_total = excluded.exacta_pool_total, first4_pool_total = excluded.first4_pool_total,
            total_race_pool = excluded.total_race_pool, last_updated = excluded.last_updated
        WHERE t.last_updated <= excluded.last_updated
          AND (t.win_pool_total, t.place_pool_total, t.quinella_pool_total, t.trifecta_pool_total,
               t.exacta_pool_total, t.first4_pool_total, t.total_race_pool)
              IS DISTINCT FROM
              (excluded.win_pool_total, excluded.place_pool_total, excluded.quinella_pool_total,
               excluded.trifecta_pool_total, excluded.exacta_pool_total, excluded.first4_pool_total,
               excluded.total_race_pool);
END
$$;

ALTER FUNCTION raceday.transform_pools(race_uuid uuid, observed timestamp with time zone, pools jsonb) OWNER TO raceday_owner;

-- Name: FUNCTION transform_pools(race_uuid uuid, observed timestamp with time zone, pools jsonb); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.transform_pools(race_uuid uuid, observed timestamp with time zone, pools jsonb) IS 'Part of transform_event: the race''s pools in cents (pools: event_pools()).';

-- Name: transform_quality(bigint, uuid, timestamp with time zone, text, jsonb, jsonb, numeric, numeric); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.transform_quality(staging_id bigint, race_uuid uuid, observed timestamp with time zone, new_status text, runners jsonb, money jsonb, win_total numeric, place_total numeric) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'raceday'
    SET plan_cache_mode TO 'force_generic_plan'
    AS $$
BEGIN
    INSERT INTO raceday.poll_quality AS q (staging_id, race_id, observed_at, status, runners, active_runners,
                                           hold_sum, bet_sum, stray_ids, missing_pools)
    SELECT transform_quality.staging_id, race_uuid, observed, new_status, count(x.entrant_id),
           count(x.entrant_id) FILTER (WHERE NOT coalesce(x.is_scratched, false)),
           sum((money -> x.entrant_id::text ->> 'hold')::numeric) FILTER (WHERE NOT coalesce(x.is_scratched, false)),
           sum((money -> x.entrant_id::text ->> 'bet')::numeric) FILTER (WHERE NOT coalesce(x.is_scratched, false)),
           (SELECT count(*) FROM jsonb_object_keys(coalesce(money, '{}')) k
            WHERE k NOT IN (SELECT y ->> 'entrant_id' FROM jsonb_array_elements(runners) y
                            WHERE y ->> 'entrant_id' IS NOT NULL)),
           array_remove(ARRAY[CASE WHEN win_total IS NULL THEN 'win' END,
                              CASE WHEN place_total IS NULL THEN 'place' END], NULL)
    FROM jsonb_to_recordset(runners) AS x(entrant_id uuid, is_scratched boolean)
    ON CONFLICT ON CONSTRAINT poll_quality_pkey DO NOTHING;
END
$$;

ALTER FUNCTION raceday.transform_quality(staging_id bigint, race_uuid uuid, observed timestamp with time zone, new_status text, runners jsonb, money jsonb, win_total numeric, place_total numeric) OWNER TO raceday_owner;

-- Name: FUNCTION transform_quality(staging_id bigint, race_uuid uuid, observed timestamp with time zone, new_status text, runners jsonb, money jsonb, win_total numeric, place_total numeric); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.transform_quality(staging_id bigint, race_uuid uuid, observed timestamp with time zone, new_status text, runners jsonb, money jsonb, win_total numeric, place_total numeric) IS 'Part of transform_event: the poll''s quality facts, scored by their row trigger as they go in.';

-- Name: transform_race(uuid, timestamp with time zone, jsonb, timestamp with time zone, text); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.transform_race(race_uuid uuid, observed timestamp with time zone, race jsonb, start_at timestamp with time zone, new_status text) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'raceday'
    SET plan_cache_mode TO 'force_generic_plan'
    AS $$
BEGIN
    INSERT INTO raceday.meetings (meeting_id, meeting_name, country, category, date)
    SELECT (race ->> 'meeting_id')::uuid, race ->> 'meeting_name', race ->> 'country', race ->> 'type',
           (race ->> 'race_date_nz')::date
    WHERE NOT EXISTS (SELECT FROM raceday.meetings m WHERE m.meeting_id = (race ->> 'meeting_id')::uuid)
    ON CONFLICT (meeting_id) DO NOTHING;

    INSERT INTO raceday.races AS t (race_id, meeting_id, name, race_number, start_time, actual_start, status, distance,
                                    track_condition, weather, type, field_size, entrant_count, positions_paid, silk_url,
                                    race_date_nz, start_time_nz, last_status_change, finalized_at, abandoned_at,
                                    last_poll_time, track_direction, track_surface, rail_position)
    VALUES (race_uuid, (race ->> 'meeting_id')::uuid, race ->> 'description', (race ->> 'race_number')::integer,
            start_at, to_timestamp(nullif((race ->> 'actual_start')::bigint, 0)), new_status,
            (race ->> 'distance')::integer, nullif(race ->> 'track_condition', ''), nullif(race ->> 'weather', ''),
            race ->> 'type', (race ->> 'field_size')::integer, (race ->> 'entrant_count')::integer,
            (race ->> 'positions_paid')::integer, nullif(race ->> 'silk_url', ''), (race ->> 'race_date_nz')::date,
            race ->> 'start_time_nz', observed,
            CASE WHEN new_status = 'final' THEN observed END, CASE WHEN new_status = 'abandoned' THEN observed END,
            observed, nullif(race ->> 'track_direction', ''), nullif(race ->> 'track_surface', ''),
            nullif(race ->> 'rail_position', ''))
    ON CONFLICT (race_id) DO UPDATE
        SET name = excluded.name, race_number = excluded.race_number, start_time = excluded.start_time,
            actual_start = coalesce(excluded.actual_start, t.actual_start), status = excluded.status,
            distance = excluded.distance, track_condition = excluded.track_condition, weather = excluded.weather,
            type = excluded.type, field_size = excluded.field_size, entrant_count = excluded.entrant_count,
            positions_paid = excluded.positions_paid, silk_url = excluded.silk_url,
            race_date_nz = excluded.race_date_nz, start_time_nz = excluded.start_time_nz,
            last_status_change = CASE WHEN t.status IS DISTINCT FROM excluded.status THEN observed
                                      ELSE t.last_status_change END,
            finalized_at = CASE WHEN excluded.status = 'final' THEN coalesce(t.finalized_at, observed) END,
            abandoned_at = CASE WHEN excluded.status = 'abandoned' THEN coalesce(t.abandoned_at, observed) END,
            last_poll_time = greatest(t.last_poll_time, observed), track_direction = excluded.track_direction,
            track_surface = excluded.track_surface, rail_position = excluded.rail_position;
END
$$;

ALTER FUNCTION raceday.transform_race(race_uuid uuid, observed timestamp with time zone, race jsonb, start_at timestamp with time zone, new_status text) OWNER TO raceday_owner;

-- Name: FUNCTION transform_race(race_uuid uuid, observed timestamp with time zone, race jsonb, start_at timestamp with time zone, new_status text); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.transform_race(race_uuid uuid, observed timestamp with time zone, race jsonb, start_at timestamp with time zone, new_status text) IS 'Part of transform_event: the race (and its meeting, if new) from an event''s data.race.';

-- Name: transform_results(uuid, timestamp with time zone, text, jsonb, jsonb, jsonb); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.transform_results(race_uuid uuid, observed timestamp with time zone, new_status text, results jsonb, dividends jsonb, runners jsonb) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'raceday'
    SET plan_cache_mode TO 'force_generic_plan'
    AS $$
BEGIN
    IF jsonb_typeof(results) = 'array' AND jsonb_array_length(results) > 0
       AND new_status IN ('interim', 'final') THEN
        INSERT INTO raceday.race_results AS t (race_id, results_data, dividends_data, fixed_odds_data, result_status,
                                               results_available, photo_finish, stewards_inquiry, protest_lodged,
                                               result_time)
        SELECT race_uuid, results, coalesce(dividends, '[]'),
               coalesce((SELECT jsonb_object_agg(x ->> 'runner_number',
                                                 jsonb_build_object('fixed_win', x #> '{odds,fixed_win}',
                                                                    'fixed_place', x #> '{odds,fixed_place}'))
                         FROM jsonb_array_elements(runners) x WHERE x ? 'runner_number'), '{}'),
               new_status, true,
               EXISTS (SELECT FROM jsonb_array_elements(dividends) d WHERE d ->> 'status' ILIKE '%photo%'),
               EXISTS (SELECT FROM jsonb_array_elements(dividends) d WHERE d ->> 'status' ILIKE '%inquiry%'),
               EXISTS (SELECT FROM jsonb_array_elements(dividends) d WHERE d ->> 'status' ILIKE '%protest%'),
               observed
        ON CONFLICT (race_id) DO UPDATE
            SET results_data = excluded.results_data, dividends_data = excluded.dividends_data,
                fixed_odds_data = excluded.fixed_odds_data, result_status = excluded.result_status,
                results_available = excluded.results_available, photo_finish = excluded.photo_finish,
                stewards_inquiry = excluded.stewards_inquiry, protest_lodged = excluded.protest_lodged,
                result_time = excluded.result_time
            WHERE t.result_time <= excluded.result_time
              AND (t.results_data, t.dividends_data, t.fixed_odds_data, t.result_status, t.photo_finish,
                   t.stewards_inquiry, t.protest_lodged)
                  IS DISTINCT FROM
                  (excluded.results_data, excluded.dividends_data, excluded.fixed_odds_data, excluded.result_status,
                   excluded.photo_finish, excluded.stewards_inquiry, excluded.protest_lodged);
    END IF;
END
$$;

ALTER FUNCTION raceday.transform_results(race_uuid uuid, observed timestamp with time zone, new_status text, results jsonb, dividends jsonb, runners jsonb) OWNER TO raceday_owner;

-- Name: FUNCTION transform_results(race_uuid uuid, observed timestamp with time zone, new_status text, results jsonb, dividends jsonb, runners jsonb); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.transform_results(race_uuid uuid, observed timestamp with time zone, new_status text, results jsonb, dividends jsonb, runners jsonb) IS 'Part of transform_event: the race''s results, dividends and flags from data.results and data.dividends.';

-- Name: transform_runners(uuid, jsonb, jsonb, numeric, numeric); Type: FUNCTION; Schema: raceday; Owner: raceday_owner

CREATE FUNCTION raceday.transform_runners(race_uuid uuid, runners jsonb, money jsonb, win_total numeric, place_total numeric) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'raceday'
    SET plan_cache_mode TO 'force_generic_plan'
    AS $$
BEGIN
    INSERT INTO raceday.entrants AS t (entrant_id, race_id, name, runner_number, barrier, jockey, trainer_name,
                                       silk_colours, silk_url_64x64, silk_url_128x128, is_scratched, is_late_scratched,
                                       scratch_time, is_emergency, favourite, mover, fixed_win_odds, fixed_place_odds,
                                       pool_win_odds, pool_place_odds, hold_percentage, bet_percentage,
                                       win_pool_amount, place_pool_amount, win_pool_percentage, place_pool_percentage,
                                       weight_allocated, weight_total, form_comment, last_twenty_starts)
    SELECT x.entrant_id, race_uuid, x.name, x.runner_number, x.barrier #>> '{}', x.jockey, x.trainer_name,
           x.silk_colours, x.silk_url_64x64, x.silk_url_128x128, coalesce(x.is_scratched, false),
           coalesce(x.is_late_scratched, false), to_timestamp(nullif(x.scratch_time, 0)),
           coalesce(x.is_emergency, false), coalesce(x.favourite, false), coalesce(x.mover, false),
           nullif((x.odds ->> 'fixed_win')::numeric, 0), nullif((x.odds ->> 'fixed_place')::numeric, 0),
           nullif((x.odds ->> 'pool_win')::numeric, 0), nullif((x.odds ->> 'pool_place')::numeric, 0),
           m.hold, m.bet, raceday.pool_cents(win_total, m.hold), raceday.pool_cents(place_total, m.hold),
           round(raceday.pool_cents(win_total, m.hold) / nullif(win_total, 0), 2),
           round(raceday.pool_cents(place_total, m.hold) / nullif(place_total, 0), 2),
           substring(x.weight ->> 'allocated' FROM '^\s*(\d{1,3}(?:\.\d{1,2})?)')::numeric(5, 2),
           substring(x.weight ->> 'total' FROM '^\s*(\d{1,3}(?:\.\d{1,2})?)')::numeric(5, 2),
           nullif(x.form_comment, ''), nullif(x.last_twenty_starts, '')
    FROM jsonb_to_recordset(runners) AS x(
             entrant_id uuid, name text, runner_number integer, barrier jsonb, jockey text, trainer_name text,
             silk_colours text, silk_url_64x64 text, silk_url_128x128 text, is_scratched boolean,
             is_late_scratched boolean, scratch_time bigint, is_emergency boolean, favourite boolean, mover boolean,
             odds jsonb, weight jsonb, form_comment text, last_twenty_starts text)
    LEFT JOIN LATERAL (SELECT (money -> x.entrant_id::text ->> 'hold')::numeric AS hold,
                              (money -> x.entrant_id::text ->> 'bet')::numeric AS bet) m ON true
    ON CONFLICT (entrant_id) DO UPDATE
        SET name = excluded.name, runner_number = excluded.runner_number, barrier = excluded.barrier,
            jockey = excluded.jockey, trainer_name = excluded.trainer_name, silk_colours = excluded.silk_colours,
            silk_url_64x64 = excluded.silk_url_64x64, silk_url_128x128 = excluded.silk_url_128x128,
            is_scratched = excluded.is_scratched, is_late_scratched = excluded.is_late_scratched,
            scratch_time = excluded.scratch_time, is_emergency = excluded.is_emergency,
            favourite = excluded.favourite, mover = excluded.mover, fixed_win_odds = excluded.fixed_win_odds,
            fixed_place_odds = excluded.fixed_place_odds, pool_win_odds = excluded.pool_win_odds,
            pool_place_odds = excluded.pool_place_odds, hold_percentage = excluded.hold_percentage,
            bet_percentage = excluded.bet_percentage, win_pool_amount = excluded.win_pool_amount,
            place_pool_amount = excluded.place_pool_amount, win_pool_percentage = excluded.win_pool_percentage,
            place_pool_percentage = excluded.place_pool_percentage, weight_allocated = excluded.weight_allocated,
            weight_total = excluded.weight_total, form_comment = excluded.form_comment,
            last_twenty_starts = excluded.last_twenty_starts
        WHERE t.race_id = excluded.race_id
          AND (t.name, t.runner_number, t.barrier, t.jockey, t.trainer_name, t.silk_colours, t.silk_url_64x64,
               t.silk_url_128x128, t.is_scratched, t.is_late_scratched, t.scratch_time, t.is_emergency, t.favourite,
               t.mover, t.fixed_win_odds, t.fixed_place_odds, t.pool_win_odds, t.pool_place_odds, t.hold_percentage,
               t.bet_percentage, t.win_pool_amount, t.place_pool_amount, t.win_pool_percentage,
               t.place_pool_percentage, t.weight_allocated, t.weight_total, t.form_comment, t.last_twenty_starts)
              IS DISTINCT FROM
              (excluded.name, excluded.runner_number, excluded.barrier, excluded.jockey, excluded.trainer_name,
               excluded.silk_colours, excluded.silk_url_64x64, excluded.silk_url_128x128, excluded.is_scratched,
               excluded.is_late_scratched, excluded.scratch_time, excluded.is_emergency, excluded.favourite,
               excluded.mover, excluded.fixed_win_odds, excluded.fixed_place_odds, excluded.pool_win_odds,
               excluded.pool_place_odds, excluded.hold_percentage, excluded.bet_percentage,
               excluded.win_pool_amount, excluded.place_pool_amount, excluded.win_pool_percentage,
               excluded.place_pool_percentage, excluded.weight_allocated, excluded.weight_total,
               excluded.form_comment, excluded.last_twenty_starts);
END
$$;

ALTER FUNCTION raceday.transform_runners(race_uuid uuid, runners jsonb, money jsonb, win_total numeric, place_total numeric) OWNER TO raceday_owner;

-- Name: FUNCTION transform_runners(race_uuid uuid, runners jsonb, money jsonb, win_total numeric, place_total numeric); Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON FUNCTION raceday.transform_runners(race_uuid uuid, runners jsonb, money jsonb, win_total numeric, place_total numeric) IS 'Part of transform_event: the runners with their current odds and money (runners: event_runners()).';

-- Name: content_hash(text, text); Type: FUNCTION; Schema: staging; Owner: raceday_owner

CREATE FUNCTION staging.content_hash(body text, generated_time text) RETURNS bytea
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN sha256(convert_to(CASE WHEN (generated_time IS NULL) THEN body ELSE replace(body, (to_json(generated_time))::text, ''::text) END, 'UTF8'::name));

ALTER FUNCTION staging.content_hash(body text, generated_time text) OWNER TO raceday_owner;

-- Name: FUNCTION content_hash(body text, generated_time text); Type: COMMENT; Schema: staging; Owner: raceday_owner

COMMENT ON FUNCTION staging.content_hash(body text, generated_time text) IS 'sha256 of a response as received, its header.generated_time left out: equal for a repeat of the same data.';

-- Name: meetings; Type: VIEW; Schema: api; Owner: raceday_owner

CREATE VIEW api.meetings AS
 SELECT m.meeting_id,
    m.meeting_name,
    m.country,
    m.category,
        CASE m.category
            WHEN 'T'::text THEN 'thoroughbred'::text
            WHEN 'H'::text THEN 'harness'::text
            ELSE 'greyhound'::text
        END AS race_type,
    m.date,
    m.track_condition,
        CASE
            WHEN ((r.total_races > 0) AND (r.abandoned_races = r.total_races)) THEN 'abandoned'::text
            WHEN ((r.total_races > 0) AND (r.finalized_races = r.total_races)) THEN 'completed'::text
            ELSE 'active'::text
        END AS status,
    r.first_race_time,
    COALESCE(r.total_races, (0)::bigint) AS total_races,
    COALESCE(r.finalized_races, (0)::bigint) AS finalized_races,
    COALESCE(((r.total_races > 0) AND (r.finalized_races = r.total_races)), false) AS is_completed,
    m.updated_at,
    m.created_at,
    c.weather,
    c.track_direction,
    c.track_surface,
    c.rail_position
   FROM ((raceday.meetings m
     LEFT JOIN LATERAL ( SELECT min(x.start_time) AS first_race_time,
            count(*) AS total_races,
            count(*) FILTER (WHERE (x.status = ANY (ARRAY['final'::text, 'abandoned'::text]))) AS finalized_races,
            count(*) FILTER (WHERE (x.status = 'abandoned'::text)) AS abandoned_races
           FROM raceday.races x
          WHERE (x.meeting_id = m.meeting_id)) r ON (true))
     LEFT JOIN LATERAL ( SELECT x.weather,
            x.track_direction,
            x.track_surface,
            x.rail_position
           FROM raceday.races x
          WHERE ((x.meeting_id = m.meeting_id) AND (x.last_poll_time IS NOT NULL))
          ORDER BY x.last_poll_time DESC, x.race_number DESC
         LIMIT 1) c ON (true))
  WHERE (m.date >= (((now() AT TIME ZONE 'Pacific/Auckland'::text))::date - 30));

ALTER VIEW api.meetings OWNER TO raceday_owner;

-- Name: VIEW meetings; Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON VIEW api.meetings IS 'Meetings of the last 30 NZ racing days onwards: first race time, race counts, completed when every race is final or abandoned.';

-- Name: COLUMN meetings.created_at; Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON COLUMN api.meetings.created_at IS 'When raceday first stored the meeting.';

-- Name: COLUMN meetings.weather; Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON COLUMN api.meetings.weather IS 'The weather TAB gave with the meeting''s race observed last (Fine, Overcast, ...).';

-- Name: COLUMN meetings.track_direction; Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON COLUMN api.meetings.track_direction IS 'Which way the track is run (Left, Right), as of the race observed last.';

-- Name: COLUMN meetings.track_surface; Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON COLUMN api.meetings.track_surface IS 'The track''s surface (Turf, Synthetic, ...), as of the race observed last.';

-- Name: COLUMN meetings.rail_position; Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON COLUMN api.meetings.rail_position IS 'Where the rail is, in TAB''s words, as of the race observed last.';

-- Name: poll_quality; Type: TABLE; Schema: raceday; Owner: raceday_owner

CREATE TABLE raceday.poll_quality (
    staging_id bigint NOT NULL,
    race_id uuid NOT NULL,
    observed_at timestamp with time zone NOT NULL,
    status text NOT NULL,
    runners integer NOT NULL,
    active_runners integer NOT NULL,
    hold_sum numeric(7,2),
    bet_sum numeric(7,2),
    stray_ids integer DEFAULT 0 NOT NULL,
    missing_pools text[] DEFAULT '{}'::text[] NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    score smallint,
    reasons text[] DEFAULT '{}'::text[] NOT NULL,
    CONSTRAINT poll_quality_score_check CHECK (((score >= 0) AND (score <= 100)))
);

ALTER TABLE raceday.poll_quality OWNER TO raceday_owner;

-- Name: TABLE poll_quality; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON TABLE raceday.poll_quality IS 'Data-quality facts of each transformed event poll.';

-- Name: COLUMN poll_quality.stray_ids; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.poll_quality.stray_ids IS 'Money-tracker entrant ids that are not runners of the race.';

-- Name: COLUMN poll_quality.missing_pools; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.poll_quality.missing_pools IS 'Of Win and Place, the pools the poll did not carry.';

-- Name: COLUMN poll_quality.score; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.poll_quality.score IS '0-100, by plpython/raceday_quality.py; reasons say what it lost.';

-- Name: raw_responses; Type: TABLE; Schema: staging; Owner: raceday_owner

CREATE TABLE staging.raw_responses (
    id bigint NOT NULL,
    kind text NOT NULL,
    target text NOT NULL,
    url text,
    http_status integer,
    attempt integer DEFAULT 1 NOT NULL,
    worker text,
    received_at timestamp with time zone DEFAULT now() NOT NULL,
    last_received_at timestamp with time zone DEFAULT now() NOT NULL,
    seen_count integer DEFAULT 1 NOT NULL,
    generated_at timestamp with time zone,
    body text,
    body_raw text,
    body_bytes integer,
    content_hash bytea,
    fetch_error text,
    processed_at timestamp with time zone,
    transform_error text,
    clock_skew interval,
    CONSTRAINT raw_responses_attempt_check CHECK ((attempt >= 1)),
    CONSTRAINT raw_responses_body_bytes_check CHECK ((body_bytes >= 0)),
    CONSTRAINT raw_responses_check CHECK (((body IS NULL) OR (body_raw IS NULL))),
    CONSTRAINT raw_responses_http_status_check CHECK (((http_status >= 100) AND (http_status <= 599))),
    CONSTRAINT raw_responses_kind_check CHECK ((kind = ANY (ARRAY['meetings'::text, 'event'::text, 'meeting'::text]))),
    CONSTRAINT raw_responses_seen_count_check CHECK ((seen_count >= 1))
);
ALTER TABLE ONLY staging.raw_responses ALTER COLUMN body SET COMPRESSION lz4;
ALTER TABLE ONLY staging.raw_responses ALTER COLUMN body_raw SET COMPRESSION lz4;

ALTER TABLE staging.raw_responses OWNER TO raceday_owner;

-- Name: TABLE raw_responses; Type: COMMENT; Schema: staging; Owner: raceday_owner

COMMENT ON TABLE staging.raw_responses IS 'Every response fetched from TAB, as received, with its fetch outcome and transform outcome.';

-- Name: COLUMN raw_responses.target; Type: COMMENT; Schema: staging; Owner: raceday_owner

COMMENT ON COLUMN staging.raw_responses.target IS 'What was fetched: the race id of an event, the meeting id, or the meetings query.';

-- Name: COLUMN raw_responses.generated_at; Type: COMMENT; Schema: staging; Owner: raceday_owner

COMMENT ON COLUMN staging.raw_responses.generated_at IS 'TAB''s header.generated_time: when the observation was true.';

-- Name: COLUMN raw_responses.body; Type: COMMENT; Schema: staging; Owner: raceday_owner

COMMENT ON COLUMN staging.raw_responses.body IS 'The response as received: text of JSON that jsonb can hold (others are failures, in body_raw); lz4-compressed.';

-- Name: COLUMN raw_responses.body_raw; Type: COMMENT; Schema: staging; Owner: raceday_owner

COMMENT ON COLUMN staging.raw_responses.body_raw IS 'The body as text when it was not valid JSON (truncated, malformed), so it is kept too.';

-- Name: COLUMN raw_responses.content_hash; Type: COMMENT; Schema: staging; Owner: raceday_owner

COMMENT ON COLUMN staging.raw_responses.content_hash IS 'staging.content_hash() of the response text: sha256 with TAB''s generated_time left out (rows from before raw_responses_content_hash: of the canonical text of body->data). Null for failures: never deduplicated.';

-- Name: COLUMN raw_responses.fetch_error; Type: COMMENT; Schema: staging; Owner: raceday_owner

COMMENT ON COLUMN staging.raw_responses.fetch_error IS 'Why the fetch failed (network, timeout, HTTP status), if it did.';

-- Name: COLUMN raw_responses.transform_error; Type: COMMENT; Schema: staging; Owner: raceday_owner

COMMENT ON COLUMN staging.raw_responses.transform_error IS 'Why the transform failed: the row is quarantined until a sweep succeeds.';

-- Name: COLUMN raw_responses.clock_skew; Type: COMMENT; Schema: staging; Owner: raceday_owner

COMMENT ON COLUMN staging.raw_responses.clock_skew IS 'generated_at minus the receipt (received_at, or received_at on a simulated schedule clock, whichever is nearer), taken when stored; beyond settings.generated_time_tolerance an event is quarantined.';

-- Name: pipeline_status; Type: VIEW; Schema: api; Owner: raceday_owner

CREATE VIEW api.pipeline_status AS
 SELECT r.race_id,
    r.status,
    r.start_time,
    t.last_polled_at AS last_poll,
    t.next_poll_at AS next_poll,
    t.failures AS consecutive_failures,
    t.last_status AS last_http_status,
    r.last_poll_time AS last_observation,
    q.last_ingest,
    COALESCE(q.quarantined, (0)::bigint) AS quarantined_polls,
        CASE
            WHEN (r.status = ANY (ARRAY['final'::text, 'abandoned'::text])) THEN NULL::interval
            ELSE (now() - r.last_poll_time)
        END AS data_age,
    lq.score AS quality_score,
    COALESCE(lq.reasons, '{}'::text[]) AS quality_reasons
   FROM (((raceday.races r
     LEFT JOIN raceday.poll_targets t ON ((t.race_id = r.race_id)))
     LEFT JOIN LATERAL ( SELECT max(s.received_at) AS last_ingest,
            count(*) FILTER (WHERE (s.transform_error IS NOT NULL)) AS quarantined
           FROM staging.raw_responses s
          WHERE ((s.target = (r.race_id)::text) AND (s.received_at >= (now() - '30 days'::interval)))) q ON (true))
     LEFT JOIN LATERAL ( SELECT pq.score,
            pq.reasons
           FROM raceday.poll_quality pq
          WHERE (pq.race_id = r.race_id)
          ORDER BY pq.observed_at DESC
         LIMIT 1) lq ON (true))
  WHERE (r.start_time >= (now() - '30 days'::interval));

ALTER VIEW api.pipeline_status OWNER TO raceday_owner;

-- Name: VIEW pipeline_status; Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON VIEW api.pipeline_status IS 'Per race: last and next poll, failures in a row, last ingest, quarantined polls, the age of its data, and the quality score and reasons of its latest poll.';

-- Name: race_pools; Type: TABLE; Schema: raceday; Owner: raceday_owner

CREATE TABLE raceday.race_pools (
    race_id uuid NOT NULL,
    win_pool_total bigint DEFAULT 0 NOT NULL,
    place_pool_total bigint DEFAULT 0 NOT NULL,
    quinella_pool_total bigint DEFAULT 0 NOT NULL,
    trifecta_pool_total bigint DEFAULT 0 NOT NULL,
    exacta_pool_total bigint DEFAULT 0 NOT NULL,
    first4_pool_total bigint DEFAULT 0 NOT NULL,
    total_race_pool bigint DEFAULT 0 NOT NULL,
    currency text DEFAULT 'NZD'::text NOT NULL,
    last_updated timestamp with time zone NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT race_pools_currency_check CHECK ((currency ~ '^[A-Z]{3}$'::text)),
    CONSTRAINT race_pools_exacta_pool_total_check CHECK ((exacta_pool_total >= 0)),
    CONSTRAINT race_pools_first4_pool_total_check CHECK ((first4_pool_total >= 0)),
    CONSTRAINT race_pools_place_pool_total_check CHECK ((place_pool_total >= 0)),
    CONSTRAINT race_pools_quinella_pool_total_check CHECK ((quinella_pool_total >= 0)),
    CONSTRAINT race_pools_total_race_pool_check CHECK ((total_race_pool >= 0)),
    CONSTRAINT race_pools_trifecta_pool_total_check CHECK ((trifecta_pool_total >= 0)),
    CONSTRAINT race_pools_win_pool_total_check CHECK ((win_pool_total >= 0))
);

ALTER TABLE raceday.race_pools OWNER TO raceday_owner;

-- Name: TABLE race_pools; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON TABLE raceday.race_pools IS 'Latest tote pool totals per race, integer cents.';

-- Name: COLUMN race_pools.last_updated; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.race_pools.last_updated IS 'Observation time of the poll the totals come from.';

-- Name: race_pools; Type: VIEW; Schema: api; Owner: raceday_owner

CREATE VIEW api.race_pools AS
 SELECT p.race_id,
    p.win_pool_total,
    p.place_pool_total,
    p.quinella_pool_total,
    p.trifecta_pool_total,
    p.exacta_pool_total,
    p.first4_pool_total,
    p.total_race_pool,
    p.currency,
    p.last_updated
   FROM (raceday.race_pools p
     JOIN raceday.races r USING (race_id))
  WHERE (r.start_time >= (now() - '30 days'::interval));

ALTER VIEW api.race_pools OWNER TO raceday_owner;

-- Name: VIEW race_pools; Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON VIEW api.race_pools IS 'Latest pool totals per race in integer cents (the client divides by 100).';

-- Name: race_results; Type: TABLE; Schema: raceday; Owner: raceday_owner

CREATE TABLE raceday.race_results (
    race_id uuid NOT NULL,
    results_data jsonb DEFAULT '[]'::jsonb NOT NULL,
    dividends_data jsonb DEFAULT '[]'::jsonb NOT NULL,
    fixed_odds_data jsonb DEFAULT '{}'::jsonb NOT NULL,
    result_status text NOT NULL,
    results_available boolean DEFAULT false NOT NULL,
    photo_finish boolean DEFAULT false NOT NULL,
    stewards_inquiry boolean DEFAULT false NOT NULL,
    protest_lodged boolean DEFAULT false NOT NULL,
    result_time timestamp with time zone NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT race_results_dividends_data_check CHECK ((jsonb_typeof(dividends_data) = 'array'::text)),
    CONSTRAINT race_results_fixed_odds_data_check CHECK ((jsonb_typeof(fixed_odds_data) = 'object'::text)),
    CONSTRAINT race_results_result_status_check CHECK ((result_status = ANY (ARRAY['interim'::text, 'final'::text]))),
    CONSTRAINT race_results_results_data_check CHECK ((jsonb_typeof(results_data) = 'array'::text))
);

ALTER TABLE raceday.race_results OWNER TO raceday_owner;

-- Name: TABLE race_results; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON TABLE raceday.race_results IS 'Results and dividends per race (interim, then final).';

-- Name: COLUMN race_results.fixed_odds_data; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.race_results.fixed_odds_data IS 'Fixed odds at the result, keyed by runner number.';

-- Name: race_results; Type: VIEW; Schema: api; Owner: raceday_owner

CREATE VIEW api.race_results AS
 SELECT t.race_id,
    t.results_data,
    t.dividends_data,
    t.fixed_odds_data,
    t.result_status,
    t.results_available,
    t.photo_finish,
    t.stewards_inquiry,
    t.protest_lodged,
    t.result_time,
    t.created_at
   FROM (raceday.race_results t
     JOIN raceday.races r USING (race_id))
  WHERE (r.start_time >= (now() - '30 days'::interval));

ALTER VIEW api.race_results OWNER TO raceday_owner;

-- Name: VIEW race_results; Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON VIEW api.race_results IS 'Results and dividends per race, interim then final, with protest and photo flags.';

-- Name: COLUMN race_results.created_at; Type: COMMENT; Schema: api; Owner: raceday_owner

COMMENT ON COLUMN api.race_results.created_at IS 'When raceday first stored a result of the race (the interim, if any).';

-- Name: archives; Type: VIEW; Schema: ops; Owner: raceday_owner

CREATE VIEW ops.archives AS
 SELECT day,
    kind,
    path,
    rows,
    bytes,
    raw_bytes,
    sha256,
    verified_at,
    verify_error,
    (rows - deleted) AS held
   FROM raceday.archives a
  ORDER BY day DESC, kind;

ALTER VIEW ops.archives OWNER TO raceday_owner;

-- Name: VIEW archives; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON VIEW ops.archives IS 'Archive files by NZ racing day and kind: rows, sizes, sha256, when last verified.';

-- Name: COLUMN archives.day; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.archives.day IS 'The NZ racing day archived.';

-- Name: COLUMN archives.kind; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.archives.kind IS 'raw (staging.raw_responses), money_flow_history or odds_history (a detached partition).';

-- Name: COLUMN archives.path; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.archives.path IS 'The zstd file, relative to the archive directory; its manifest is beside it.';

-- Name: COLUMN archives.rows; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.archives.rows IS 'Rows in the file.';

-- Name: COLUMN archives.bytes; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.archives.bytes IS 'Size of the file (compressed).';

-- Name: COLUMN archives.raw_bytes; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.archives.raw_bytes IS 'Size of the COPY text it holds, uncompressed.';

-- Name: COLUMN archives.sha256; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.archives.sha256 IS 'sha256 of the file.';

-- Name: COLUMN archives.verified_at; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.archives.verified_at IS 'When it was last read back whole; null: missing or damaged, and nothing it covers is deleted.';

-- Name: COLUMN archives.verify_error; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.archives.verify_error IS 'Why the last read-back failed.';

-- Name: COLUMN archives.held; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.archives.held IS 'Rows of it the database still holds (the rest retention deleted).';

-- Name: cron_jobs; Type: VIEW; Schema: ops; Owner: raceday_owner

CREATE VIEW ops.cron_jobs AS
 SELECT jobid,
    jobname,
    schedule,
    active,
    last_start,
    last_end,
    last_status,
    last_message,
    runs_as
   FROM raceday.cron_jobs() cron_jobs(jobid, jobname, schedule, active, runs_as, last_start, last_end, last_status, last_message)
  ORDER BY jobname;

ALTER VIEW ops.cron_jobs OWNER TO raceday_owner;

-- Name: VIEW cron_jobs; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON VIEW ops.cron_jobs IS 'raceday''s pg_cron jobs (schedules in GMT, cron.timezone) with their last run: start, end, status and message.';

-- Name: COLUMN cron_jobs.jobid; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.cron_jobs.jobid IS 'pg_cron''s job id (cron.job).';

-- Name: COLUMN cron_jobs.jobname; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.cron_jobs.jobname IS 'The job''s name; raceday''s start with raceday-.';

-- Name: COLUMN cron_jobs.schedule; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.cron_jobs.schedule IS 'cron schedule in GMT (cron.timezone): 15:17 GMT is 03:17 NZST, 04:17 NZDT.';

-- Name: COLUMN cron_jobs.active; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.cron_jobs.active IS 'false: pg_cron does not run it.';

-- Name: COLUMN cron_jobs.last_start; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.cron_jobs.last_start IS 'Start of its latest recorded run.';

-- Name: COLUMN cron_jobs.last_end; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.cron_jobs.last_end IS 'End of its latest run; empty while it runs.';

-- Name: COLUMN cron_jobs.last_status; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.cron_jobs.last_status IS 'starting, running, succeeded or failed.';

-- Name: COLUMN cron_jobs.last_message; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.cron_jobs.last_message IS 'pg_cron''s message: the command tag when it succeeded, the error when it failed.';

-- Name: COLUMN cron_jobs.runs_as; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.cron_jobs.runs_as IS 'The role pg_cron runs it as (never a superuser).';

-- Name: failed_polls; Type: VIEW; Schema: ops; Owner: raceday_owner

CREATE VIEW ops.failed_polls AS
 SELECT id AS staging_id,
    kind,
    target,
    received_at,
    http_status,
    attempt,
    worker,
        CASE
            WHEN (fetch_error IS NOT NULL) THEN 'fetch'::text
            ELSE 'quarantined'::text
        END AS failure,
    COALESCE(fetch_error, transform_error) AS error
   FROM staging.raw_responses s
  WHERE (((fetch_error IS NOT NULL) OR (transform_error IS NOT NULL)) AND (received_at >= (now() - '24:00:00'::interval)))
  ORDER BY received_at DESC;

ALTER VIEW ops.failed_polls OWNER TO raceday_owner;

-- Name: VIEW failed_polls; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON VIEW ops.failed_polls IS 'The last 24 hours of failed fetches and quarantined polls (transform errors), newest first, with their errors. raceday.sweep() retries the quarantined.';

-- Name: COLUMN failed_polls.staging_id; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.failed_polls.staging_id IS 'The row in staging.raw_responses.';

-- Name: COLUMN failed_polls.kind; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.failed_polls.kind IS 'meetings or event.';

-- Name: COLUMN failed_polls.target; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.failed_polls.target IS 'What was polled: a race id or a meetings page.';

-- Name: COLUMN failed_polls.received_at; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.failed_polls.received_at IS 'When the response (or the failure) was received.';

-- Name: COLUMN failed_polls.http_status; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.failed_polls.http_status IS 'TAB''s HTTP status; empty when no response came.';

-- Name: COLUMN failed_polls.attempt; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.failed_polls.attempt IS 'Which attempt of the fetch this was.';

-- Name: COLUMN failed_polls.worker; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.failed_polls.worker IS 'The fetcher that fetched it.';

-- Name: COLUMN failed_polls.failure; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.failed_polls.failure IS 'fetch: no usable body; quarantined: stored, but its transform failed.';

-- Name: COLUMN failed_polls.error; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.failed_polls.error IS 'The fetch error, or the transform''s as SQLSTATE: message.';

-- Name: fetch_errors; Type: VIEW; Schema: ops; Owner: raceday_owner

CREATE VIEW ops.fetch_errors AS
 SELECT COALESCE((http_status)::text, 'no response'::text) AS status,
    count(*) AS responses,
    round(((100.0 * (count(*))::numeric) / sum(count(*)) OVER ()), 1) AS percent,
    count(*) FILTER (WHERE (fetch_error IS NOT NULL)) AS failed,
    max(received_at) AS last_seen,
    (array_agg(fetch_error ORDER BY received_at DESC) FILTER (WHERE (fetch_error IS NOT NULL)))[1] AS last_error
   FROM staging.raw_responses s
  WHERE ((received_at >= (now() - '01:00:00'::interval)) AND (received_at <= now()))
  GROUP BY COALESCE((http_status)::text, 'no response'::text)
  ORDER BY (count(*)) DESC;

ALTER VIEW ops.fetch_errors OWNER TO raceday_owner;

-- Name: VIEW fetch_errors; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON VIEW ops.fetch_errors IS 'The last hour of fetches (every attempt, none dated after now) by HTTP status: how many, their share, how many failed, the latest error.';

-- Name: COLUMN fetch_errors.status; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.fetch_errors.status IS 'HTTP status, or no response (timeout, network error).';

-- Name: COLUMN fetch_errors.responses; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.fetch_errors.responses IS 'Fetch attempts with that status in the last hour.';

-- Name: COLUMN fetch_errors.percent; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.fetch_errors.percent IS 'Their share of the hour''s attempts, in percent.';

-- Name: COLUMN fetch_errors.failed; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.fetch_errors.failed IS 'How many of them were stored as failed fetches.';

-- Name: COLUMN fetch_errors.last_seen; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.fetch_errors.last_seen IS 'The latest of them.';

-- Name: COLUMN fetch_errors.last_error; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.fetch_errors.last_error IS 'The latest failure''s error.';

-- Name: freshness; Type: VIEW; Schema: ops; Owner: raceday_owner

CREATE VIEW ops.freshness AS
 SELECT r.race_id,
    m.meeting_name,
    r.race_number,
    r.start_time,
    r.status,
    r.last_poll_time AS last_observation,
    (now() - r.last_poll_time) AS age,
    raceday.poll_interval(r.status, r.start_time, raceday.clock()) AS expected_every,
    COALESCE(((now() - r.last_poll_time) > ((2)::double precision * raceday.poll_interval(r.status, r.start_time, raceday.clock()))), true) AS stale,
    q.score AS quality_score
   FROM ((raceday.races r
     JOIN raceday.meetings m ON ((m.meeting_id = r.meeting_id)))
     LEFT JOIN LATERAL ( SELECT pq.score
           FROM raceday.poll_quality pq
          WHERE (pq.race_id = r.race_id)
          ORDER BY pq.observed_at DESC
         LIMIT 1) q ON (true))
  WHERE ((r.status = ANY (ARRAY['open'::text, 'closed'::text, 'interim'::text])) AND ((r.start_time >= (now() - '1 day'::interval)) AND (r.start_time <= (now() + '1 day'::interval))))
  ORDER BY r.start_time;

ALTER VIEW ops.freshness OWNER TO raceday_owner;

-- Name: VIEW freshness; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON VIEW ops.freshness IS 'Races still running: age of their latest observation against their polling interval (stale past twice it), and its quality score.';

-- Name: COLUMN freshness.race_id; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.freshness.race_id IS 'The race (raceday.races).';

-- Name: COLUMN freshness.meeting_name; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.freshness.meeting_name IS 'Its meeting.';

-- Name: COLUMN freshness.race_number; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.freshness.race_number IS 'Its number in the meeting.';

-- Name: COLUMN freshness.start_time; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.freshness.start_time IS 'Advertised start.';

-- Name: COLUMN freshness.status; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.freshness.status IS 'open, closed or interim.';

-- Name: COLUMN freshness.last_observation; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.freshness.last_observation IS 'When the race was last observed (races.last_poll_time).';

-- Name: COLUMN freshness.age; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.freshness.age IS 'How old that observation is now.';

-- Name: COLUMN freshness.expected_every; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.freshness.expected_every IS 'Its polling interval now.';

-- Name: COLUMN freshness.stale; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.freshness.stale IS 'Older than twice its polling interval, or never observed.';

-- Name: COLUMN freshness.quality_score; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.freshness.quality_score IS 'Quality score (0-100) of its latest poll.';

-- Name: money_flow_history; Type: TABLE; Schema: raceday; Owner: raceday_owner

CREATE TABLE raceday.money_flow_history (
    id bigint NOT NULL,
    race_id uuid NOT NULL,
    entrant_id uuid NOT NULL,
    staging_id bigint NOT NULL,
    type text DEFAULT 'bucketed_aggregation'::text NOT NULL,
    pool_type text DEFAULT 'combined'::text NOT NULL,
    time_interval numeric(5,1) NOT NULL,
    time_to_start numeric(9,3) NOT NULL,
    interval_type text NOT NULL,
    hold_percentage numeric(7,2),
    bet_percentage numeric(7,2),
    win_pool_amount bigint,
    place_pool_amount bigint,
    win_pool_percentage numeric(7,2),
    place_pool_percentage numeric(7,2),
    incremental_win_amount bigint,
    incremental_place_amount bigint,
    incremental_amount bigint,
    fixed_win_odds numeric(10,2),
    fixed_place_odds numeric(10,2),
    pool_win_odds numeric(10,2),
    pool_place_odds numeric(10,2),
    event_timestamp timestamp with time zone NOT NULL,
    polling_timestamp timestamp with time zone NOT NULL,
    created_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT money_flow_history_interval_type_check CHECK ((interval_type = ANY (ARRAY['5m'::text, '2m'::text, '30s'::text, 'live'::text])))
)
PARTITION BY RANGE (event_timestamp);

ALTER TABLE raceday.money_flow_history OWNER TO raceday_owner;

-- Name: TABLE money_flow_history; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON TABLE raceday.money_flow_history IS 'Money per runner per poll, bucketed by time to start; daily partitions on NZ racing days.';

-- Name: COLUMN money_flow_history.staging_id; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.money_flow_history.staging_id IS 'The raw response this row was derived from.';

-- Name: COLUMN money_flow_history.time_interval; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.money_flow_history.time_interval IS 'The bucket: 60 cap, 5-minute steps, minutes under 5, half-minutes after the start.';

-- Name: COLUMN money_flow_history.time_to_start; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.money_flow_history.time_to_start IS 'Minutes from the observation to the advertised start; negative after it.';

-- Name: COLUMN money_flow_history.event_timestamp; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.money_flow_history.event_timestamp IS 'Observation time: TAB header.generated_time, else the receive time. Partition key.';

-- Name: COLUMN money_flow_history.polling_timestamp; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON COLUMN raceday.money_flow_history.polling_timestamp IS 'When raceday received the response.';

-- Name: partitions; Type: VIEW; Schema: ops; Owner: raceday_owner

CREATE VIEW ops.partitions AS
 SELECT (format('%I.%I'::text, pn.nspname, p.relname) COLLATE "default") AS parent,
    raceday.nz_racing_day(((regexp_match(b.bounds, 'FROM \(''([^'']+)''\)'::text))[1])::timestamp with time zone) AS racing_day,
    (format('%I.%I'::text, cn.nspname, c.relname) COLLATE "default") AS partition,
    b.bounds,
    st.n_live_tup AS live_rows,
    pg_size_pretty(pg_total_relation_size((c.oid)::regclass)) AS total_size,
    pg_total_relation_size((c.oid)::regclass) AS total_bytes
   FROM ((((((pg_inherits i
     JOIN pg_class p ON ((p.oid = i.inhparent)))
     JOIN pg_namespace pn ON ((pn.oid = p.relnamespace)))
     JOIN pg_class c ON ((c.oid = i.inhrelid)))
     JOIN pg_namespace cn ON ((cn.oid = c.relnamespace)))
     CROSS JOIN LATERAL ( SELECT pg_get_expr(c.relpartbound, c.oid) AS bounds) b)
     LEFT JOIN pg_stat_user_tables st ON ((st.relid = c.oid)))
  WHERE (i.inhparent = ANY (ARRAY[('raceday.money_flow_history'::regclass)::oid, ('raceday.odds_history'::regclass)::oid]))
  ORDER BY (format('%I.%I'::text, pn.nspname, p.relname) COLLATE "default"), (raceday.nz_racing_day(((regexp_match(b.bounds, 'FROM \(''([^'']+)''\)'::text))[1])::timestamp with time zone));

ALTER VIEW ops.partitions OWNER TO raceday_owner;

-- Name: VIEW partitions; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON VIEW ops.partitions IS 'History partitions by NZ racing day: bounds, live rows (statistics, not a count) and size. raceday.detached_partitions lists those waiting to be dropped.';

-- Name: COLUMN partitions.parent; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.partitions.parent IS 'The history table, schema-qualified.';

-- Name: COLUMN partitions.racing_day; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.partitions.racing_day IS 'The NZ racing day the partition holds (Pacific/Auckland).';

-- Name: COLUMN partitions.partition; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.partitions.partition IS 'The partition, schema-qualified.';

-- Name: COLUMN partitions.bounds; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.partitions.bounds IS 'Its bounds: NZ midnights, shown in the session''s time zone.';

-- Name: COLUMN partitions.live_rows; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.partitions.live_rows IS 'Live rows by the statistics collector (an estimate, not a count).';

-- Name: COLUMN partitions.total_size; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.partitions.total_size IS 'Size with indexes and TOAST, readable.';

-- Name: COLUMN partitions.total_bytes; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.partitions.total_bytes IS 'Size with indexes and TOAST, in bytes.';

-- Name: pipeline_lag; Type: VIEW; Schema: ops; Owner: raceday_owner

CREATE VIEW ops.pipeline_lag AS
 SELECT r.race_id,
    m.meeting_name,
    r.race_number,
    r.start_time,
    r.status,
    t.next_poll_at AS due,
    t.last_polled_at,
    raceday.next_poll_time(r.status, r.start_time, t.last_polled_at) AS next_by_schedule,
    GREATEST((raceday.clock() - t.next_poll_at), '00:00:00'::interval) AS overdue_by,
    t.lease_owner,
    t.failures
   FROM ((raceday.poll_targets t
     JOIN raceday.races r ON ((r.race_id = t.race_id)))
     JOIN raceday.meetings m ON ((m.meeting_id = r.meeting_id)))
  WHERE ((t.kind = 'event'::text) AND (t.next_poll_at IS NOT NULL))
  ORDER BY t.next_poll_at;

ALTER VIEW ops.pipeline_lag OWNER TO raceday_owner;

-- Name: VIEW pipeline_lag; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON VIEW ops.pipeline_lag IS 'Races still polled: when each is due, when it was last polled, how far overdue (by the schedule''s clock), who holds it.';

-- Name: COLUMN pipeline_lag.race_id; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.pipeline_lag.race_id IS 'The race (raceday.races).';

-- Name: COLUMN pipeline_lag.meeting_name; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.pipeline_lag.meeting_name IS 'Its meeting.';

-- Name: COLUMN pipeline_lag.race_number; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.pipeline_lag.race_number IS 'Its number in the meeting.';

-- Name: COLUMN pipeline_lag.start_time; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.pipeline_lag.start_time IS 'Advertised start.';

-- Name: COLUMN pipeline_lag.status; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.pipeline_lag.status IS 'Race status, lower case.';

-- Name: COLUMN pipeline_lag.due; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.pipeline_lag.due IS 'When the next poll is due (poll_targets.next_poll_at).';

-- Name: COLUMN pipeline_lag.last_polled_at; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.pipeline_lag.last_polled_at IS 'When it was last polled, by the schedule''s clock.';

-- Name: COLUMN pipeline_lag.next_by_schedule; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.pipeline_lag.next_by_schedule IS 'When the polling tiers would make it due after its last poll.';

-- Name: COLUMN pipeline_lag.overdue_by; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.pipeline_lag.overdue_by IS 'How long past due it is by raceday.clock(); 0 when not yet due.';

-- Name: COLUMN pipeline_lag.lease_owner; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.pipeline_lag.lease_owner IS 'The fetcher holding its lease, if one does.';

-- Name: COLUMN pipeline_lag.failures; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.pipeline_lag.failures IS 'Failed polls in a row.';

-- Name: stopped_targets; Type: VIEW; Schema: ops; Owner: raceday_owner

CREATE VIEW ops.stopped_targets AS
 SELECT t.target,
    t.kind,
    m.meeting_name,
    r.race_number,
    r.start_time,
    r.status,
    t.stopped_at,
    t.stopped_reason,
    t.last_polled_at,
    t.last_status,
    t.not_found,
    t.failures,
    t.polls,
    t.resumed_at
   FROM ((raceday.poll_targets t
     LEFT JOIN raceday.races r ON ((r.race_id = t.race_id)))
     LEFT JOIN raceday.meetings m ON ((m.meeting_id = r.meeting_id)))
  WHERE (t.stopped_at IS NOT NULL)
  ORDER BY t.stopped_at DESC, t.target;

ALTER VIEW ops.stopped_targets OWNER TO raceday_owner;

-- Name: VIEW stopped_targets; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON VIEW ops.stopped_targets IS 'Targets no longer polled because a give-up rule or an operator stopped them, newest first, with why. SELECT raceday.resume_polling(target) polls one again at once.';

-- Name: COLUMN stopped_targets.target; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.stopped_targets.target IS 'The race id, or meetings:<NZ day>:<page offset>.';

-- Name: COLUMN stopped_targets.kind; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.stopped_targets.kind IS 'event (one race) or meetings (a page of a day''s meetings).';

-- Name: COLUMN stopped_targets.meeting_name; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.stopped_targets.meeting_name IS 'The race''s meeting; null for a meetings page.';

-- Name: COLUMN stopped_targets.race_number; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.stopped_targets.race_number IS 'The race''s number in its meeting; null for a meetings page.';

-- Name: COLUMN stopped_targets.start_time; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.stopped_targets.start_time IS 'The race''s advertised start; null for a meetings page.';

-- Name: COLUMN stopped_targets.status; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.stopped_targets.status IS 'The race''s status when last transformed (open, closed, interim...).';

-- Name: COLUMN stopped_targets.stopped_at; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.stopped_targets.stopped_at IS 'When polling stopped, by the schedule''s clock (raceday.clock()).';

-- Name: COLUMN stopped_targets.stopped_reason; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.stopped_targets.stopped_reason IS 'Why: 404s in a row, no final result hours after the start, or "stopped by hand (who): why".';

-- Name: COLUMN stopped_targets.last_polled_at; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.stopped_targets.last_polled_at IS 'The last poll that reached the database, by the schedule''s clock.';

-- Name: COLUMN stopped_targets.last_status; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.stopped_targets.last_status IS 'The HTTP status of the last poll.';

-- Name: COLUMN stopped_targets.not_found; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.stopped_targets.not_found IS 'HTTP 404 answers in a row when it stopped.';

-- Name: COLUMN stopped_targets.failures; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.stopped_targets.failures IS 'Failed polls in a row when it stopped.';

-- Name: COLUMN stopped_targets.polls; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.stopped_targets.polls IS 'Polls of this target that were answered and ingested (failed fetches not counted).';

-- Name: COLUMN stopped_targets.resumed_at; Type: COMMENT; Schema: ops; Owner: raceday_owner

COMMENT ON COLUMN ops.stopped_targets.resumed_at IS 'When it was last resumed by hand, if ever.';

-- Name: change_feed_id_seq; Type: SEQUENCE; Schema: raceday; Owner: raceday_owner

ALTER TABLE raceday.change_feed ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME raceday.change_feed_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: detached_partitions; Type: TABLE; Schema: raceday; Owner: raceday_owner

CREATE TABLE raceday.detached_partitions (
    name text NOT NULL,
    parent text NOT NULL,
    detached_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE raceday.detached_partitions OWNER TO raceday_owner;

-- Name: TABLE detached_partitions; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON TABLE raceday.detached_partitions IS 'History partitions detached by retention, waiting out the grace before they are dropped.';

-- Name: money_flow_history_id_seq; Type: SEQUENCE; Schema: raceday; Owner: raceday_owner

ALTER TABLE raceday.money_flow_history ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME raceday.money_flow_history_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: odds_history_id_seq; Type: SEQUENCE; Schema: raceday; Owner: raceday_owner

ALTER TABLE raceday.odds_history ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME raceday.odds_history_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: plpython_modules; Type: TABLE; Schema: raceday; Owner: postgres

CREATE TABLE raceday.plpython_modules (
    name text NOT NULL,
    source text NOT NULL,
    md5 text GENERATED ALWAYS AS (md5(source)) STORED,
    deployed_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT plpython_modules_name_check CHECK ((name ~ '^[a-z_][a-z0-9_]*$'::text))
);

ALTER TABLE raceday.plpython_modules OWNER TO postgres;

-- Name: TABLE plpython_modules; Type: COMMENT; Schema: raceday; Owner: postgres

COMMENT ON TABLE raceday.plpython_modules IS 'Source of the plpython/ modules the database runs, as deployed from the files; see raceday.plpython_module().';

-- Name: race_alerts_id_seq; Type: SEQUENCE; Schema: raceday; Owner: raceday_owner

ALTER TABLE raceday.race_alerts ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME raceday.race_alerts_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: raw_responses_id_seq; Type: SEQUENCE; Schema: staging; Owner: raceday_owner

ALTER TABLE staging.raw_responses ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME staging.raw_responses_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: alert_config_defaults alert_config_defaults_pkey; Type: CONSTRAINT; Schema: raceday; Owner: raceday_owner

ALTER TABLE ONLY raceday.alert_config_defaults
    ADD CONSTRAINT alert_config_defaults_pkey PRIMARY KEY (display_order);

-- Name: alert_configs alert_configs_pkey; Type: CONSTRAINT; Schema: raceday; Owner: raceday_owner

ALTER TABLE ONLY raceday.alert_configs
    ADD CONSTRAINT alert_configs_pkey PRIMARY KEY (indicator_id);

-- Name: alert_configs alert_configs_user_id_display_order_key; Type: CONSTRAINT; Schema: raceday; Owner: raceday_owner

ALTER TABLE ONLY raceday.alert_configs
    ADD CONSTRAINT alert_configs_user_id_display_order_key UNIQUE (user_id, display_order);

-- Name: archives archives_pkey; Type: CONSTRAINT; Schema: raceday; Owner: raceday_owner

ALTER TABLE ONLY raceday.archives
    ADD CONSTRAINT archives_pkey PRIMARY KEY (day, kind);

-- Name: change_feed change_feed_pkey; Type: CONSTRAINT; Schema: raceday; Owner: raceday_owner

ALTER TABLE ONLY raceday.change_feed
    ADD CONSTRAINT change_feed_pkey PRIMARY KEY (id);

-- Name: detached_partitions detached_partitions_pkey; Type: CONSTRAINT; Schema: raceday; Owner: raceday_owner

ALTER TABLE ONLY raceday.detached_partitions
    ADD CONSTRAINT detached_partitions_pkey PRIMARY KEY (name);

-- Name: entrants entrants_pkey; Type: CONSTRAINT; Schema: raceday; Owner: raceday_owner

ALTER TABLE ONLY raceday.entrants
    ADD CONSTRAINT entrants_pkey PRIMARY KEY (entrant_id);

-- Name: meetings meetings_pkey; Type: CONSTRAINT; Schema: raceday; Owner: raceday_owner

ALTER TABLE ONLY raceday.meetings
    ADD CONSTRAINT meetings_pkey PRIMARY KEY (meeting_id);

-- Name: money_flow_history money_flow_history_pkey; Type: CONSTRAINT; Schema: raceday; Owner: raceday_owner

ALTER TABLE ONLY raceday.money_flow_history
    ADD CONSTRAINT money_flow_history_pkey PRIMARY KEY (id, event_timestamp);

-- Name: money_flow_history money_flow_history_race_id_entrant_id_event_timestamp_key; Type: CONSTRAINT; Schema: raceday; Owner: raceday_owner

ALTER TABLE ONLY raceday.money_flow_history
    ADD CONSTRAINT money_flow_history_race_id_entrant_id_event_timestamp_key UNIQUE (race_id, entrant_id, event_timestamp);

-- Name: money_flow_latest money_flow_latest_pkey; Type: CONSTRAINT; Schema: raceday; Owner: raceday_owner

ALTER TABLE ONLY raceday.money_flow_latest
    ADD CONSTRAINT money_flow_latest_pkey PRIMARY KEY (race_id, entrant_id, time_interval);

-- Name: odds_history odds_history_pkey; Type: CONSTRAINT; Schema: raceday; Owner: raceday_owner

ALTER TABLE ONLY raceday.odds_history
    ADD CONSTRAINT odds_history_pkey PRIMARY KEY (id, event_timestamp);

-- Name: odds_history odds_history_race_entrant_key; Type: CONSTRAINT; Schema: raceday; Owner: raceday_owner

ALTER TABLE ONLY raceday.odds_history
    ADD CONSTRAINT odds_history_race_entrant_key UNIQUE (race_id, entrant_id, odds_type, event_timestamp);

-- Name: plpython_modules plpython_modules_pkey; Type: CONSTRAINT; Schema: raceday; Owner: postgres

ALTER TABLE ONLY raceday.plpython_modules
    ADD CONSTRAINT plpython_modules_pkey PRIMARY KEY (name);

-- Name: poll_quality poll_quality_pkey; Type: CONSTRAINT; Schema: raceday; Owner: raceday_owner

ALTER TABLE ONLY raceday.poll_quality
    ADD CONSTRAINT poll_quality_pkey PRIMARY KEY (staging_id);

-- Name: poll_targets poll_targets_pkey; Type: CONSTRAINT; Schema: raceday; Owner: raceday_owner

ALTER TABLE ONLY raceday.poll_targets
    ADD CONSTRAINT poll_targets_pkey PRIMARY KEY (target);

-- Name: race_alerts race_alerts_pkey; Type: CONSTRAINT; Schema: raceday; Owner: raceday_owner

ALTER TABLE ONLY raceday.race_alerts
    ADD CONSTRAINT race_alerts_pkey PRIMARY KEY (id);

-- Name: race_alerts race_alerts_race_id_entrant_id_time_interval_kind_key; Type: CONSTRAINT; Schema: raceday; Owner: raceday_owner

ALTER TABLE ONLY raceday.race_alerts
    ADD CONSTRAINT race_alerts_race_id_entrant_id_time_interval_kind_key UNIQUE (race_id, entrant_id, time_interval, kind);

-- Name: race_pools race_pools_pkey; Type: CONSTRAINT; Schema: raceday; Owner: raceday_owner

ALTER TABLE ONLY raceday.race_pools
    ADD CONSTRAINT race_pools_pkey PRIMARY KEY (race_id);

-- Name: race_results race_results_pkey; Type: CONSTRAINT; Schema: raceday; Owner: raceday_owner

ALTER TABLE ONLY raceday.race_results
    ADD CONSTRAINT race_results_pkey PRIMARY KEY (race_id);

-- Name: races races_meeting_id_race_number_key; Type: CONSTRAINT; Schema: raceday; Owner: raceday_owner

ALTER TABLE ONLY raceday.races
    ADD CONSTRAINT races_meeting_id_race_number_key UNIQUE (meeting_id, race_number);

-- Name: races races_pkey; Type: CONSTRAINT; Schema: raceday; Owner: raceday_owner

ALTER TABLE ONLY raceday.races
    ADD CONSTRAINT races_pkey PRIMARY KEY (race_id);

-- Name: settings settings_pkey; Type: CONSTRAINT; Schema: raceday; Owner: raceday_owner

ALTER TABLE ONLY raceday.settings
    ADD CONSTRAINT settings_pkey PRIMARY KEY (id);

-- Name: raw_responses raw_responses_pkey; Type: CONSTRAINT; Schema: staging; Owner: raceday_owner

ALTER TABLE ONLY staging.raw_responses
    ADD CONSTRAINT raw_responses_pkey PRIMARY KEY (id);

-- Name: change_feed_day_idx; Type: INDEX; Schema: raceday; Owner: raceday_owner

CREATE INDEX change_feed_day_idx ON raceday.change_feed USING btree (id) WHERE (kinds && raceday.day_kinds());

-- Name: change_feed_race_idx; Type: INDEX; Schema: raceday; Owner: raceday_owner

CREATE INDEX change_feed_race_idx ON raceday.change_feed USING btree (race_id, id);

-- Name: entrants_race_idx; Type: INDEX; Schema: raceday; Owner: raceday_owner

CREATE INDEX entrants_race_idx ON raceday.entrants USING btree (race_id, runner_number);

-- Name: meetings_date_idx; Type: INDEX; Schema: raceday; Owner: raceday_owner

CREATE INDEX meetings_date_idx ON raceday.meetings USING btree (date, country, category);

-- Name: money_flow_history_race_idx; Type: INDEX; Schema: raceday; Owner: raceday_owner

CREATE INDEX money_flow_history_race_idx ON ONLY raceday.money_flow_history USING btree (race_id, entrant_id, time_interval, event_timestamp DESC);

-- Name: INDEX money_flow_history_race_idx; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON INDEX raceday.money_flow_history_race_idx IS 'A runner''s latest row of the nearest earlier bucket, first: the money flow''s look-up (transform_money_flow).';

-- Name: money_flow_history_staging_idx; Type: INDEX; Schema: raceday; Owner: raceday_owner

CREATE INDEX money_flow_history_staging_idx ON ONLY raceday.money_flow_history USING btree (staging_id);

-- Name: money_flow_latest_created_idx; Type: INDEX; Schema: raceday; Owner: raceday_owner

CREATE INDEX money_flow_latest_created_idx ON raceday.money_flow_latest USING btree (race_id, created_at);

-- Name: money_flow_latest_id_idx; Type: INDEX; Schema: raceday; Owner: raceday_owner

CREATE INDEX money_flow_latest_id_idx ON raceday.money_flow_latest USING btree (race_id, id);

-- Name: odds_history_staging_idx; Type: INDEX; Schema: raceday; Owner: raceday_owner

CREATE INDEX odds_history_staging_idx ON ONLY raceday.odds_history USING btree (staging_id);

-- Name: poll_quality_race_idx; Type: INDEX; Schema: raceday; Owner: raceday_owner

CREATE INDEX poll_quality_race_idx ON raceday.poll_quality USING btree (race_id, observed_at);

-- Name: poll_targets_due_idx; Type: INDEX; Schema: raceday; Owner: raceday_owner

CREATE INDEX poll_targets_due_idx ON raceday.poll_targets USING btree (next_poll_at) WHERE (next_poll_at IS NOT NULL);

-- Name: poll_targets_lease_idx; Type: INDEX; Schema: raceday; Owner: raceday_owner

CREATE INDEX poll_targets_lease_idx ON raceday.poll_targets USING btree (lease_owner) WHERE (lease_owner IS NOT NULL);

-- Name: poll_targets_stopped_idx; Type: INDEX; Schema: raceday; Owner: raceday_owner

CREATE INDEX poll_targets_stopped_idx ON raceday.poll_targets USING btree (stopped_at) WHERE (stopped_at IS NOT NULL);

-- Name: race_alerts_race_idx; Type: INDEX; Schema: raceday; Owner: raceday_owner

CREATE INDEX race_alerts_race_idx ON raceday.race_alerts USING btree (race_id, created_at);

-- Name: races_start_time_idx; Type: INDEX; Schema: raceday; Owner: raceday_owner

CREATE INDEX races_start_time_idx ON raceday.races USING btree (start_time);

-- Name: raw_responses_dedupe_idx; Type: INDEX; Schema: staging; Owner: raceday_owner

CREATE UNIQUE INDEX raw_responses_dedupe_idx ON staging.raw_responses USING btree (target, content_hash);

-- Name: raw_responses_pending_idx; Type: INDEX; Schema: staging; Owner: raceday_owner

CREATE INDEX raw_responses_pending_idx ON staging.raw_responses USING btree (id) WHERE ((body IS NOT NULL) AND ((processed_at IS NULL) OR (transform_error IS NOT NULL)));

-- Name: raw_responses_received_idx; Type: INDEX; Schema: staging; Owner: raceday_owner

CREATE INDEX raw_responses_received_idx ON staging.raw_responses USING btree (received_at);

-- Name: raw_responses_target_idx; Type: INDEX; Schema: staging; Owner: raceday_owner

CREATE INDEX raw_responses_target_idx ON staging.raw_responses USING btree (target, received_at);

-- Name: entrants change_feed_reset; Type: TRIGGER; Schema: raceday; Owner: raceday_owner

CREATE TRIGGER change_feed_reset AFTER DELETE ON raceday.entrants REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION raceday.change_feed_reset();

-- Name: poll_targets hold_stopped; Type: TRIGGER; Schema: raceday; Owner: raceday_owner

CREATE TRIGGER hold_stopped BEFORE UPDATE ON raceday.poll_targets FOR EACH ROW WHEN ((((new.stopped_at IS NOT NULL) AND (new.next_poll_at IS NOT NULL)) OR ((new.failures = 0) AND (new.not_found <> 0)))) EXECUTE FUNCTION raceday.poll_targets_hold_stopped();

-- Name: money_flow_history money_flow_latest_delete; Type: TRIGGER; Schema: raceday; Owner: raceday_owner

CREATE TRIGGER money_flow_latest_delete AFTER DELETE ON raceday.money_flow_history REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION raceday.money_flow_latest_delete();

-- Name: money_flow_history money_flow_latest_insert; Type: TRIGGER; Schema: raceday; Owner: raceday_owner

CREATE TRIGGER money_flow_latest_insert AFTER INSERT ON raceday.money_flow_history REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION raceday.money_flow_latest_insert();

-- Name: poll_targets poll_targets_lateness; Type: TRIGGER; Schema: raceday; Owner: raceday_owner

CREATE TRIGGER poll_targets_lateness BEFORE UPDATE OF lease_until ON raceday.poll_targets FOR EACH ROW WHEN (((new.lease_owner IS NOT NULL) AND (new.lease_until IS DISTINCT FROM old.lease_until) AND (old.next_poll_at IS NOT NULL))) EXECUTE FUNCTION raceday.track_poll_lateness();

-- Name: money_flow_history race_alerts_detect; Type: TRIGGER; Schema: raceday; Owner: raceday_owner

CREATE TRIGGER race_alerts_detect AFTER INSERT ON raceday.money_flow_history REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION raceday.race_alerts_detect();

-- Name: money_flow_history race_alerts_forget; Type: TRIGGER; Schema: raceday; Owner: raceday_owner

CREATE TRIGGER race_alerts_forget AFTER DELETE ON raceday.money_flow_history REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION raceday.race_alerts_forget();

-- Name: poll_quality score_poll_quality; Type: TRIGGER; Schema: raceday; Owner: raceday_owner

CREATE TRIGGER score_poll_quality BEFORE INSERT ON raceday.poll_quality FOR EACH ROW EXECUTE FUNCTION raceday.score_poll_quality();

-- Name: alert_configs touch_updated_at; Type: TRIGGER; Schema: raceday; Owner: raceday_owner

CREATE TRIGGER touch_updated_at BEFORE UPDATE ON raceday.alert_configs FOR EACH ROW EXECUTE FUNCTION raceday.touch_updated_at();

-- Name: entrants touch_updated_at; Type: TRIGGER; Schema: raceday; Owner: raceday_owner

CREATE TRIGGER touch_updated_at BEFORE UPDATE ON raceday.entrants FOR EACH ROW EXECUTE FUNCTION raceday.touch_updated_at();

-- Name: meetings touch_updated_at; Type: TRIGGER; Schema: raceday; Owner: raceday_owner

CREATE TRIGGER touch_updated_at BEFORE UPDATE ON raceday.meetings FOR EACH ROW EXECUTE FUNCTION raceday.touch_updated_at();

-- Name: race_pools touch_updated_at; Type: TRIGGER; Schema: raceday; Owner: raceday_owner

CREATE TRIGGER touch_updated_at BEFORE UPDATE ON raceday.race_pools FOR EACH ROW EXECUTE FUNCTION raceday.touch_updated_at();

-- Name: race_results touch_updated_at; Type: TRIGGER; Schema: raceday; Owner: raceday_owner

CREATE TRIGGER touch_updated_at BEFORE UPDATE ON raceday.race_results FOR EACH ROW EXECUTE FUNCTION raceday.touch_updated_at();

-- Name: races touch_updated_at; Type: TRIGGER; Schema: raceday; Owner: raceday_owner

CREATE TRIGGER touch_updated_at BEFORE UPDATE ON raceday.races FOR EACH ROW EXECUTE FUNCTION raceday.touch_updated_at();

-- Name: entrants entrants_race_id_fkey; Type: FK CONSTRAINT; Schema: raceday; Owner: raceday_owner

ALTER TABLE ONLY raceday.entrants
    ADD CONSTRAINT entrants_race_id_fkey FOREIGN KEY (race_id) REFERENCES raceday.races(race_id) ON DELETE CASCADE;

-- Name: money_flow_latest money_flow_latest_race_id_fkey; Type: FK CONSTRAINT; Schema: raceday; Owner: raceday_owner

ALTER TABLE ONLY raceday.money_flow_latest
    ADD CONSTRAINT money_flow_latest_race_id_fkey FOREIGN KEY (race_id) REFERENCES raceday.races(race_id) ON DELETE CASCADE;

-- Name: poll_quality poll_quality_race_id_fkey; Type: FK CONSTRAINT; Schema: raceday; Owner: raceday_owner

ALTER TABLE ONLY raceday.poll_quality
    ADD CONSTRAINT poll_quality_race_id_fkey FOREIGN KEY (race_id) REFERENCES raceday.races(race_id) ON DELETE CASCADE;

-- Name: poll_targets poll_targets_race_id_fkey; Type: FK CONSTRAINT; Schema: raceday; Owner: raceday_owner

ALTER TABLE ONLY raceday.poll_targets
    ADD CONSTRAINT poll_targets_race_id_fkey FOREIGN KEY (race_id) REFERENCES raceday.races(race_id) ON DELETE CASCADE;

-- Name: race_alerts race_alerts_entrant_id_fkey; Type: FK CONSTRAINT; Schema: raceday; Owner: raceday_owner

ALTER TABLE ONLY raceday.race_alerts
    ADD CONSTRAINT race_alerts_entrant_id_fkey FOREIGN KEY (entrant_id) REFERENCES raceday.entrants(entrant_id) ON DELETE CASCADE;

-- Name: race_alerts race_alerts_race_id_fkey; Type: FK CONSTRAINT; Schema: raceday; Owner: raceday_owner

ALTER TABLE ONLY raceday.race_alerts
    ADD CONSTRAINT race_alerts_race_id_fkey FOREIGN KEY (race_id) REFERENCES raceday.races(race_id) ON DELETE CASCADE;

-- Name: race_pools race_pools_race_id_fkey; Type: FK CONSTRAINT; Schema: raceday; Owner: raceday_owner

ALTER TABLE ONLY raceday.race_pools
    ADD CONSTRAINT race_pools_race_id_fkey FOREIGN KEY (race_id) REFERENCES raceday.races(race_id) ON DELETE CASCADE;

-- Name: race_results race_results_race_id_fkey; Type: FK CONSTRAINT; Schema: raceday; Owner: raceday_owner

ALTER TABLE ONLY raceday.race_results
    ADD CONSTRAINT race_results_race_id_fkey FOREIGN KEY (race_id) REFERENCES raceday.races(race_id) ON DELETE CASCADE;

-- Name: races races_meeting_id_fkey; Type: FK CONSTRAINT; Schema: raceday; Owner: raceday_owner

ALTER TABLE ONLY raceday.races
    ADD CONSTRAINT races_meeting_id_fkey FOREIGN KEY (meeting_id) REFERENCES raceday.meetings(meeting_id) ON DELETE CASCADE;

-- Name: alert_configs; Type: ROW SECURITY; Schema: raceday; Owner: raceday_owner

ALTER TABLE raceday.alert_configs ENABLE ROW LEVEL SECURITY;

-- Name: alert_configs own_rows; Type: POLICY; Schema: raceday; Owner: raceday_owner

CREATE POLICY own_rows ON raceday.alert_configs USING ((user_id = ((NULLIF(current_setting('request.jwt.claims'::text, true), ''::text))::json ->> 'sub'::text))) WITH CHECK ((user_id = ((NULLIF(current_setting('request.jwt.claims'::text, true), ''::text))::json ->> 'sub'::text)));

-- Name: POLICY own_rows ON alert_configs; Type: COMMENT; Schema: raceday; Owner: raceday_owner

COMMENT ON POLICY own_rows ON raceday.alert_configs IS 'A user reads and writes only their own indicators: those of the verified token''s subject.';

-- Name: SCHEMA api; Type: ACL; Schema: -; Owner: raceday_owner

GRANT USAGE ON SCHEMA api TO web_anon;

-- Name: SCHEMA ops; Type: ACL; Schema: -; Owner: raceday_owner

GRANT USAGE ON SCHEMA ops TO raceday_monitor;

-- Name: SCHEMA raceday; Type: ACL; Schema: -; Owner: raceday_owner

GRANT USAGE ON SCHEMA raceday TO raceday_fetcher;

-- Name: FUNCTION alert_config_id(user_id text, display_order integer); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.alert_config_id(user_id text, display_order integer) FROM PUBLIC;

-- Name: TABLE alert_configs; Type: ACL; Schema: api; Owner: raceday_owner

GRANT SELECT ON TABLE api.alert_configs TO web_user;

-- Name: FUNCTION alert_configs(); Type: ACL; Schema: api; Owner: raceday_owner

REVOKE ALL ON FUNCTION api.alert_configs() FROM PUBLIC;
GRANT ALL ON FUNCTION api.alert_configs() TO web_user;

-- Name: FUNCTION day_feed(after bigint, max_changes integer); Type: ACL; Schema: api; Owner: raceday_owner

REVOKE ALL ON FUNCTION api.day_feed(after bigint, max_changes integer) FROM PUBLIC;
GRANT ALL ON FUNCTION api.day_feed(after bigint, max_changes integer) TO web_anon;

-- Name: FUNCTION day_kinds(); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.day_kinds() FROM PUBLIC;

-- Name: FUNCTION feed_cursor(race_id uuid); Type: ACL; Schema: api; Owner: raceday_owner

REVOKE ALL ON FUNCTION api.feed_cursor(race_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.feed_cursor(race_id uuid) TO web_anon;

-- Name: FUNCTION health(); Type: ACL; Schema: api; Owner: raceday_owner

REVOKE ALL ON FUNCTION api.health() FROM PUBLIC;
GRANT ALL ON FUNCTION api.health() TO web_anon;

-- Name: TABLE entrants; Type: ACL; Schema: api; Owner: raceday_owner

GRANT SELECT ON TABLE api.entrants TO web_anon;

-- Name: TABLE money_flow_timeline; Type: ACL; Schema: api; Owner: raceday_owner

GRANT SELECT ON TABLE api.money_flow_timeline TO web_anon;

-- Name: FUNCTION money_flow_timeline(api.entrants); Type: ACL; Schema: api; Owner: raceday_owner

REVOKE ALL ON FUNCTION api.money_flow_timeline(api.entrants) FROM PUBLIC;
GRANT ALL ON FUNCTION api.money_flow_timeline(api.entrants) TO web_anon;

-- Name: TABLE races; Type: ACL; Schema: api; Owner: raceday_owner

GRANT SELECT ON TABLE api.races TO web_anon;

-- Name: FUNCTION next_scheduled_race(); Type: ACL; Schema: api; Owner: raceday_owner

REVOKE ALL ON FUNCTION api.next_scheduled_race() FROM PUBLIC;
GRANT ALL ON FUNCTION api.next_scheduled_race() TO web_anon;

-- Name: TABLE odds_history; Type: ACL; Schema: api; Owner: raceday_owner

GRANT SELECT ON TABLE api.odds_history TO web_anon;

-- Name: FUNCTION odds_history(api.entrants); Type: ACL; Schema: api; Owner: raceday_owner

REVOKE ALL ON FUNCTION api.odds_history(api.entrants) FROM PUBLIC;
GRANT ALL ON FUNCTION api.odds_history(api.entrants) TO web_anon;

-- Name: FUNCTION indicators_of(user_id text); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.indicators_of(user_id text) FROM PUBLIC;

-- Name: FUNCTION request_user_id(); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.request_user_id() FROM PUBLIC;

-- Name: TABLE race_alerts; Type: ACL; Schema: api; Owner: raceday_owner

GRANT SELECT ON TABLE api.race_alerts TO web_anon;

-- Name: FUNCTION race_alerts_for(race_id uuid); Type: ACL; Schema: api; Owner: raceday_owner

REVOKE ALL ON FUNCTION api.race_alerts_for(race_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.race_alerts_for(race_id uuid) TO web_anon;

-- Name: FUNCTION race_feed(race_id uuid, after bigint, max_changes integer); Type: ACL; Schema: api; Owner: raceday_owner

REVOKE ALL ON FUNCTION api.race_feed(race_id uuid, after bigint, max_changes integer) FROM PUBLIC;
GRANT ALL ON FUNCTION api.race_feed(race_id uuid, after bigint, max_changes integer) TO web_anon;

-- Name: FUNCTION race_navigation(race_id uuid); Type: ACL; Schema: api; Owner: raceday_owner

REVOKE ALL ON FUNCTION api.race_navigation(race_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.race_navigation(race_id uuid) TO web_anon;

-- Name: FUNCTION reset_alert_configs(); Type: ACL; Schema: api; Owner: raceday_owner

REVOKE ALL ON FUNCTION api.reset_alert_configs() FROM PUBLIC;
GRANT ALL ON FUNCTION api.reset_alert_configs() TO web_user;

-- Name: FUNCTION save_alert_configs(indicators jsonb, audible_alerts_enabled boolean); Type: ACL; Schema: api; Owner: raceday_owner

REVOKE ALL ON FUNCTION api.save_alert_configs(indicators jsonb, audible_alerts_enabled boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION api.save_alert_configs(indicators jsonb, audible_alerts_enabled boolean) TO web_user;

-- Name: FUNCTION upcoming_races(window_minutes integer, lookback_minutes integer, max_races integer); Type: ACL; Schema: api; Owner: raceday_owner

REVOKE ALL ON FUNCTION api.upcoming_races(window_minutes integer, lookback_minutes integer, max_races integer) FROM PUBLIC;
GRANT ALL ON FUNCTION api.upcoming_races(window_minutes integer, lookback_minutes integer, max_races integer) TO web_anon;

-- Name: FUNCTION pipeline_metrics(); Type: ACL; Schema: ops; Owner: raceday_owner

REVOKE ALL ON FUNCTION ops.pipeline_metrics() FROM PUBLIC;
GRANT ALL ON FUNCTION ops.pipeline_metrics() TO raceday_monitor;

-- Name: FUNCTION announce(race_id uuid, kinds text[], staging_id bigint, observed_at timestamp with time zone, runners uuid[]); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.announce(race_id uuid, kinds text[], staging_id bigint, observed_at timestamp with time zone, runners uuid[]) FROM PUBLIC;

-- Name: FUNCTION announce_event(staging_id bigint, before raceday.races); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.announce_event(staging_id bigint, before raceday.races) FROM PUBLIC;

-- Name: FUNCTION announce_meetings(staging_id bigint); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.announce_meetings(staging_id bigint) FROM PUBLIC;

-- Name: FUNCTION archive_problem(day date, kind text, held bigint); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.archive_problem(day date, kind text, held bigint) FROM PUBLIC;

-- Name: FUNCTION change_feed_reset(); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.change_feed_reset() FROM PUBLIC;

-- Name: FUNCTION check_feed_window(after bigint, max_changes integer); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.check_feed_window(after bigint, max_changes integer) FROM PUBLIC;

-- Name: FUNCTION check_observation_time(staging_id bigint); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.check_observation_time(staging_id bigint) FROM PUBLIC;

-- Name: FUNCTION claim_due_polls(worker text, max_polls integer); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.claim_due_polls(worker text, max_polls integer) FROM PUBLIC;
GRANT ALL ON FUNCTION raceday.claim_due_polls(worker text, max_polls integer) TO raceday_fetcher;

-- Name: FUNCTION clock(); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.clock() FROM PUBLIC;

-- Name: FUNCTION clock_at(at timestamp with time zone); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.clock_at(at timestamp with time zone) FROM PUBLIC;

-- Name: FUNCTION cron_jobs(); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.cron_jobs() FROM PUBLIC;

-- Name: FUNCTION detect_alerts(entrant_ids text[], time_intervals double precision[], increments double precision[], holds double precision[], odds double precision[], bucket double precision); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.detect_alerts(entrant_ids text[], time_intervals double precision[], increments double precision[], holds double precision[], odds double precision[], bucket double precision) FROM PUBLIC;

-- Name: FUNCTION duration_text(d interval); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.duration_text(d interval) FROM PUBLIC;

-- Name: FUNCTION ensure_history_partitions(first_day date, last_day date); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.ensure_history_partitions(first_day date, last_day date) FROM PUBLIC;

-- Name: FUNCTION event_money(entrants jsonb); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.event_money(entrants jsonb) FROM PUBLIC;

-- Name: FUNCTION event_pools(tote_pools jsonb, dividends jsonb); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.event_pools(tote_pools jsonb, dividends jsonb) FROM PUBLIC;

-- Name: FUNCTION event_runners(runners jsonb); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.event_runners(runners jsonb) FROM PUBLIC;

-- Name: FUNCTION ingest_event(race_id text, response text, received_at timestamp with time zone, meta jsonb); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.ingest_event(race_id text, response text, received_at timestamp with time zone, meta jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION raceday.ingest_event(race_id text, response text, received_at timestamp with time zone, meta jsonb) TO raceday_fetcher;

-- Name: FUNCTION ingest_event(race_id text, response jsonb, received_at timestamp with time zone, meta jsonb); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.ingest_event(race_id text, response jsonb, received_at timestamp with time zone, meta jsonb) FROM PUBLIC;

-- Name: FUNCTION ingest_failure(kind text, target text, received_at timestamp with time zone, meta jsonb); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.ingest_failure(kind text, target text, received_at timestamp with time zone, meta jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION raceday.ingest_failure(kind text, target text, received_at timestamp with time zone, meta jsonb) TO raceday_fetcher;

-- Name: FUNCTION ingest_meetings(response text, received_at timestamp with time zone, meta jsonb); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.ingest_meetings(response text, received_at timestamp with time zone, meta jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION raceday.ingest_meetings(response text, received_at timestamp with time zone, meta jsonb) TO raceday_fetcher;

-- Name: FUNCTION ingest_meetings(response jsonb, received_at timestamp with time zone, meta jsonb); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.ingest_meetings(response jsonb, received_at timestamp with time zone, meta jsonb) FROM PUBLIC;

-- Name: FUNCTION interval_type(minutes_to_start numeric); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.interval_type(minutes_to_start numeric) FROM PUBLIC;

-- Name: FUNCTION maintain_partitions(); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.maintain_partitions() FROM PUBLIC;

-- Name: FUNCTION meetings_page_limit(response jsonb, page_size integer); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.meetings_page_limit(response jsonb, page_size integer) FROM PUBLIC;

-- Name: FUNCTION money_flow_latest_delete(); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.money_flow_latest_delete() FROM PUBLIC;

-- Name: FUNCTION money_flow_latest_insert(); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.money_flow_latest_insert() FROM PUBLIC;

-- Name: FUNCTION poll_interval(status text, start_time timestamp with time zone, at timestamp with time zone); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.poll_interval(status text, start_time timestamp with time zone, at timestamp with time zone) FROM PUBLIC;

-- Name: FUNCTION next_poll_time(status text, start_time timestamp with time zone, at timestamp with time zone); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.next_poll_time(status text, start_time timestamp with time zone, at timestamp with time zone) FROM PUBLIC;

-- Name: FUNCTION nz_day_start(day date); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.nz_day_start(day date) FROM PUBLIC;

-- Name: FUNCTION nz_racing_day(ts timestamp with time zone); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.nz_racing_day(ts timestamp with time zone) FROM PUBLIC;

-- Name: FUNCTION plan_day(day date); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.plan_day(day date) FROM PUBLIC;

-- Name: FUNCTION plpython_module(name text); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.plpython_module(name text) FROM PUBLIC;

-- Name: FUNCTION poll_targets_hold_stopped(); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.poll_targets_hold_stopped() FROM PUBLIC;

-- Name: FUNCTION pool_cents(pool_dollars numeric, percentage numeric); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.pool_cents(pool_dollars numeric, percentage numeric) FROM PUBLIC;

-- Name: FUNCTION prune_change_feed(); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.prune_change_feed() FROM PUBLIC;

-- Name: FUNCTION prune_cron_history(); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.prune_cron_history() FROM PUBLIC;

-- Name: FUNCTION prune_derived(); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.prune_derived() FROM PUBLIC;

-- Name: FUNCTION prune_staging(); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.prune_staging() FROM PUBLIC;

-- Name: FUNCTION quality_score(status text, hold_sum double precision, bet_sum double precision, stray_ids integer, missing_pools text[], field_size integer, active_runners integer, negative_increments integer, delay_s double precision); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.quality_score(status text, hold_sum double precision, bet_sum double precision, stray_ids integer, missing_pools text[], field_size integer, active_runners integer, negative_increments integer, delay_s double precision) FROM PUBLIC;

-- Name: FUNCTION race_alerts_detect(); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.race_alerts_detect() FROM PUBLIC;

-- Name: FUNCTION race_alerts_forget(); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.race_alerts_forget() FROM PUBLIC;

-- Name: FUNCTION release_polls(worker text); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.release_polls(worker text) FROM PUBLIC;
GRANT ALL ON FUNCTION raceday.release_polls(worker text) TO raceday_fetcher;

-- Name: FUNCTION replay_day(day date); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.replay_day(day date) FROM PUBLIC;

-- Name: FUNCTION reprocess(race_id uuid); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.reprocess(race_id uuid) FROM PUBLIC;

-- Name: FUNCTION resume_polling(target text); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.resume_polling(target text) FROM PUBLIC;

-- Name: FUNCTION run_transform(staging_id bigint, kind text, doc jsonb); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.run_transform(staging_id bigint, kind text, doc jsonb) FROM PUBLIC;

-- Name: FUNCTION score_poll_quality(); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.score_poll_quality() FROM PUBLIC;

-- Name: FUNCTION signed_in_user(); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.signed_in_user() FROM PUBLIC;

-- Name: FUNCTION spread_overdue(); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.spread_overdue() FROM PUBLIC;

-- Name: FUNCTION stop_polling(target text, reason text); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.stop_polling(target text, reason text) FROM PUBLIC;

-- Name: FUNCTION stop_stale_races(); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.stop_stale_races() FROM PUBLIC;

-- Name: FUNCTION store_response(p_kind text, p_target text, p_text text, p_response jsonb, p_received_at timestamp with time zone, p_meta jsonb, OUT staging_id bigint, OUT is_new boolean); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.store_response(p_kind text, p_target text, p_text text, p_response jsonb, p_received_at timestamp with time zone, p_meta jsonb, OUT staging_id bigint, OUT is_new boolean) FROM PUBLIC;

-- Name: FUNCTION sweep(max_rows integer, force boolean); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.sweep(max_rows integer, force boolean) FROM PUBLIC;

-- Name: FUNCTION time_bucket(minutes_to_start numeric); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.time_bucket(minutes_to_start numeric) FROM PUBLIC;

-- Name: FUNCTION touch_updated_at(); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.touch_updated_at() FROM PUBLIC;

-- Name: FUNCTION track_poll_lateness(); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.track_poll_lateness() FROM PUBLIC;

-- Name: FUNCTION transform_event(staging_id bigint, doc jsonb); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.transform_event(staging_id bigint, doc jsonb) FROM PUBLIC;

-- Name: FUNCTION transform_meetings(staging_id bigint, doc jsonb); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.transform_meetings(staging_id bigint, doc jsonb) FROM PUBLIC;

-- Name: FUNCTION transform_money_flow(staging_id bigint, race_uuid uuid, observed timestamp with time zone, received_at timestamp with time zone, start_at timestamp with time zone, new_status text, runners jsonb, money jsonb, win_total numeric, place_total numeric); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.transform_money_flow(staging_id bigint, race_uuid uuid, observed timestamp with time zone, received_at timestamp with time zone, start_at timestamp with time zone, new_status text, runners jsonb, money jsonb, win_total numeric, place_total numeric) FROM PUBLIC;

-- Name: FUNCTION transform_odds(staging_id bigint, race_uuid uuid, observed timestamp with time zone, runners jsonb); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.transform_odds(staging_id bigint, race_uuid uuid, observed timestamp with time zone, runners jsonb) FROM PUBLIC;

-- Name: FUNCTION transform_pools(race_uuid uuid, observed timestamp with time zone, pools jsonb); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.transform_pools(race_uuid uuid, observed timestamp with time zone, pools jsonb) FROM PUBLIC;

-- Name: FUNCTION transform_quality(staging_id bigint, race_uuid uuid, observed timestamp with time zone, new_status text, runners jsonb, money jsonb, win_total numeric, place_total numeric); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.transform_quality(staging_id bigint, race_uuid uuid, observed timestamp with time zone, new_status text, runners jsonb, money jsonb, win_total numeric, place_total numeric) FROM PUBLIC;

-- Name: FUNCTION transform_race(race_uuid uuid, observed timestamp with time zone, race jsonb, start_at timestamp with time zone, new_status text); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.transform_race(race_uuid uuid, observed timestamp with time zone, race jsonb, start_at timestamp with time zone, new_status text) FROM PUBLIC;

-- Name: FUNCTION transform_results(race_uuid uuid, observed timestamp with time zone, new_status text, results jsonb, dividends jsonb, runners jsonb); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.transform_results(race_uuid uuid, observed timestamp with time zone, new_status text, results jsonb, dividends jsonb, runners jsonb) FROM PUBLIC;

-- Name: FUNCTION transform_runners(race_uuid uuid, runners jsonb, money jsonb, win_total numeric, place_total numeric); Type: ACL; Schema: raceday; Owner: raceday_owner

REVOKE ALL ON FUNCTION raceday.transform_runners(race_uuid uuid, runners jsonb, money jsonb, win_total numeric, place_total numeric) FROM PUBLIC;

-- Name: FUNCTION content_hash(body text, generated_time text); Type: ACL; Schema: staging; Owner: raceday_owner

REVOKE ALL ON FUNCTION staging.content_hash(body text, generated_time text) FROM PUBLIC;

-- Name: TABLE meetings; Type: ACL; Schema: api; Owner: raceday_owner

GRANT SELECT ON TABLE api.meetings TO web_anon;

-- Name: TABLE pipeline_status; Type: ACL; Schema: api; Owner: raceday_owner

GRANT SELECT ON TABLE api.pipeline_status TO web_anon;

-- Name: TABLE race_pools; Type: ACL; Schema: api; Owner: raceday_owner

GRANT SELECT ON TABLE api.race_pools TO web_anon;

-- Name: TABLE race_results; Type: ACL; Schema: api; Owner: raceday_owner

GRANT SELECT ON TABLE api.race_results TO web_anon;

-- Name: TABLE plpython_modules; Type: ACL; Schema: raceday; Owner: postgres

GRANT SELECT ON TABLE raceday.plpython_modules TO raceday_owner;

-- Name: DEFAULT PRIVILEGES FOR FUNCTIONS; Type: DEFAULT ACL; Schema: api; Owner: raceday_owner

ALTER DEFAULT PRIVILEGES FOR ROLE raceday_owner IN SCHEMA api GRANT ALL ON FUNCTIONS TO web_anon;

-- Name: DEFAULT PRIVILEGES FOR TABLES; Type: DEFAULT ACL; Schema: api; Owner: raceday_owner

ALTER DEFAULT PRIVILEGES FOR ROLE raceday_owner IN SCHEMA api GRANT SELECT ON TABLES TO web_anon;
