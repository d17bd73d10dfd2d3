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

CREATE FUNCTION raceday.quality_score(facts jsonb) RETURNS jsonb
LANGUAGE plpython3u STABLE
AS $$
import json
if "load" not in SD:
    SD["load"] = plpy.prepare("SELECT raceday.plpython_module('raceday_quality')")
plpy.execute(SD["load"])
return json.dumps(GD["raceday_modules"]["raceday_quality"]["score"](json.loads(facts)))
$$;
COMMENT ON FUNCTION raceday.quality_score(jsonb) IS
    'plpython/raceday_quality.py score(): {"score": 0-100, "reasons": [...]} of a poll''s quality facts.';
ALTER FUNCTION raceday.quality_score(jsonb) OWNER TO raceday_owner;
-- Made by the superuser (untrusted language), so the owner's default privileges did not apply.
REVOKE EXECUTE ON FUNCTION raceday.quality_score(jsonb) FROM PUBLIC;

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
    result := raceday.quality_score(jsonb_build_object(
        'status', NEW.status, 'hold_sum', NEW.hold_sum, 'bet_sum', NEW.bet_sum, 'stray_ids', NEW.stray_ids,
        'missing_pools', to_jsonb(NEW.missing_pools), 'active_runners', NEW.active_runners,
        'field_size', (SELECT r.field_size FROM raceday.races r WHERE r.race_id = NEW.race_id),
        -- The poll's rows carry its observation time: one partition is read.
        'negative_increments', (SELECT count(*) FROM raceday.money_flow_history h
                                WHERE h.staging_id = NEW.staging_id AND h.event_timestamp = NEW.observed_at
                                  AND (h.incremental_win_amount < 0 OR h.incremental_place_amount < 0)),
        'delay_s', (SELECT extract(epoch FROM s.received_at - NEW.observed_at)
                    FROM staging.raw_responses s WHERE s.id = NEW.staging_id)));
    NEW.score := (result ->> 'score')::smallint;
    NEW.reasons := ARRAY(SELECT jsonb_array_elements_text(result -> 'reasons'));
    RETURN NEW;
END
$$;

CREATE TRIGGER score_poll_quality BEFORE INSERT ON raceday.poll_quality
    FOR EACH ROW EXECUTE FUNCTION raceday.score_poll_quality();

COMMIT;
