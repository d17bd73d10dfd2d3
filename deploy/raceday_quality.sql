-- Deploy raceday:raceday_quality to pg
-- requires: plpython_modules poll_quality transform_event
-- Why: a 0-100 data-quality score per event poll, with its reasons, by the
-- rules of plpython/raceday_quality.py (hold and bet over the field near
-- 100, stray money-tracker ids, Win and Place pools, field size against
-- runners not scratched, negative increments, stale generated_time). The
-- transform writes the facts to poll_quality; a trigger scores them as the
-- row goes in, so a reprocess scores the same polls the same way. The
-- module's source is read from its file here; verify checks they match.

BEGIN;

\set source `cat plpython/raceday_quality.py`
INSERT INTO raceday.plpython_modules (name, source) VALUES ('raceday_quality', :'source')
ON CONFLICT (name) DO UPDATE SET source = EXCLUDED.source, deployed_at = now();

-- Plain arguments in: a jsonb or numeric argument would reach Python as
-- Decimal, and importing decimal costs each new session 40 ms.
CREATE FUNCTION raceday.quality_score(status text, hold_sum float8, bet_sum float8, stray_ids integer,
                                      missing_pools text[], field_size integer, active_runners integer,
                                      negative_increments integer, delay_s float8)
RETURNS jsonb
LANGUAGE plpython3u STABLE TRANSFORM FOR TYPE jsonb
AS $$
if "load" not in SD:
    SD["load"] = plpy.prepare("SELECT raceday.plpython_module('raceday_quality')")
plpy.execute(SD["load"])
return GD["raceday_modules"]["raceday_quality"]["score"]({
    "status": status, "hold_sum": hold_sum, "bet_sum": bet_sum, "stray_ids": stray_ids,
    "missing_pools": missing_pools, "field_size": field_size, "active_runners": active_runners,
    "negative_increments": negative_increments, "delay_s": delay_s})
$$;
COMMENT ON FUNCTION raceday.quality_score(text, float8, float8, integer, text[], integer, integer, integer, float8) IS
    'plpython/raceday_quality.py score(): {"score": 0-100, "reasons": [...]} of a poll''s quality facts.';
ALTER FUNCTION raceday.quality_score(text, float8, float8, integer, text[], integer, integer, integer, float8)
    OWNER TO raceday_owner;
-- Made by the superuser (untrusted language), so the owner's default privileges did not apply.
REVOKE EXECUTE ON FUNCTION raceday.quality_score(text, float8, float8, integer, text[], integer, integer, integer, float8)
    FROM PUBLIC;

SET LOCAL ROLE raceday_owner;

ALTER TABLE raceday.poll_quality
    ADD COLUMN score smallint CHECK (score BETWEEN 0 AND 100),
    ADD COLUMN reasons text[] NOT NULL DEFAULT '{}';
COMMENT ON COLUMN raceday.poll_quality.score IS '0-100, by plpython/raceday_quality.py; reasons say what it lost.';

CREATE FUNCTION raceday.score_poll_quality() RETURNS trigger
LANGUAGE plpgsql AS $$
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

CREATE TRIGGER score_poll_quality BEFORE INSERT ON raceday.poll_quality
    FOR EACH ROW EXECUTE FUNCTION raceday.score_poll_quality();

COMMIT;
