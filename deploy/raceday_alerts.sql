-- Deploy raceday:raceday_alerts to pg
-- requires: plpython_modules money_flow_latest
-- Why: every client used to compute its money alerts for itself, late.
-- The database computes them once, as each poll lands, with the rules of
-- plpython/raceday_alerts.py: a runner's share of a bucket's money up 5
-- points on its previous bucket, fixed win odds 5 % shorter, and the
-- insider plunge. A statement trigger on the history runs after the one
-- that keeps money_flow_latest (triggers fire in name order), reads the
-- race's latest rows and stores what the poll's bucket raised: one alert
-- per runner, bucket and kind, the first poll to raise it keeping it, so a
-- reprocess (which deletes the history, and with it the alerts) raises the
-- same ones again.

BEGIN;

\set source `cat plpython/raceday_alerts.py`
INSERT INTO raceday.plpython_modules (name, source) VALUES ('raceday_alerts', :'source')
ON CONFLICT (name) DO UPDATE SET source = EXCLUDED.source, deployed_at = now();

-- Plain arrays in: a jsonb or numeric argument would reach Python as
-- Decimal, and importing decimal costs each new session 40 ms.
CREATE FUNCTION raceday.detect_alerts(entrant_ids text[], time_intervals float8[], increments float8[],
                                      holds float8[], odds float8[], bucket float8)
RETURNS jsonb
LANGUAGE plpython3u STABLE TRANSFORM FOR TYPE jsonb
AS $$
if "load" not in SD:
    SD["load"] = plpy.prepare("SELECT raceday.plpython_module('raceday_alerts')")
plpy.execute(SD["load"])
rows = [{"entrant_id": e, "time_interval": t, "incremental_win_amount": i, "hold_percentage": h, "fixed_win_odds": o}
        for e, t, i, h, o in zip(entrant_ids or [], time_intervals or [], increments or [], holds or [], odds or [])]
return GD["raceday_modules"]["raceday_alerts"]["detect"](rows, bucket)
$$;
COMMENT ON FUNCTION raceday.detect_alerts(text[], float8[], float8[], float8[], float8[], float8) IS
    'plpython/raceday_alerts.py detect(): the alerts one bucket of a race''s timeline (one array element a row) raises.';
ALTER FUNCTION raceday.detect_alerts(text[], float8[], float8[], float8[], float8[], float8) OWNER TO raceday_owner;
-- Made by the superuser (untrusted language), so the owner's default privileges did not apply.
REVOKE EXECUTE ON FUNCTION raceday.detect_alerts(text[], float8[], float8[], float8[], float8[], float8) FROM PUBLIC;

SET LOCAL ROLE raceday_owner;

CREATE TABLE raceday.race_alerts (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    race_id       uuid NOT NULL REFERENCES raceday.races ON DELETE CASCADE,
    entrant_id    uuid NOT NULL REFERENCES raceday.entrants ON DELETE CASCADE,
    time_interval numeric(5,1) NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('money', 'odds', 'plunge')),
    value         numeric(9,2) NOT NULL,
    share         numeric(9,2),
    evidence      jsonb NOT NULL,
    staging_id    bigint NOT NULL,
    observed_at   timestamptz NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (race_id, entrant_id, time_interval, kind)
);
COMMENT ON TABLE raceday.race_alerts IS
    'Alerts per runner, bucket and kind: money (share of the bucket up >= 5 points), odds (>= 5 % shorter), plunge.';
COMMENT ON COLUMN raceday.race_alerts.value IS 'Points of share gained (money, plunge) or percent the odds shortened (odds).';
COMMENT ON COLUMN raceday.race_alerts.share IS 'The runner''s share (%) of the money that arrived in the bucket.';
CREATE INDEX race_alerts_race_idx ON raceday.race_alerts (race_id, created_at);

CREATE FUNCTION raceday.race_alerts_detect() RETURNS trigger
LANGUAGE plpgsql AS $$
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

CREATE FUNCTION raceday.race_alerts_forget() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM raceday.race_alerts a
    USING (SELECT DISTINCT o.race_id, o.time_interval FROM old_rows o) k
    WHERE a.race_id = k.race_id AND a.time_interval = k.time_interval;
    RETURN NULL;
END
$$;

CREATE TRIGGER race_alerts_detect AFTER INSERT ON raceday.money_flow_history
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION raceday.race_alerts_detect();
CREATE TRIGGER race_alerts_forget AFTER DELETE ON raceday.money_flow_history
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION raceday.race_alerts_forget();

COMMIT;
