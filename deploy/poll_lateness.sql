-- Deploy raceday:poll_lateness to pg
-- requires: poll_targets
-- requires: claim_due_polls
-- Why: an operator must hear when polling falls behind for a race, not only
-- when everything stops: a race polled more than 15 s late three times in a
-- row is a race whose money flow has gaps (15 s is the fastest tier's
-- interval, so a poll that late has missed one). How late a poll was is
-- known only when it is claimed: the due time is overwritten by the ingest.
-- A trigger on the lease, not a change to claim_due_polls, records it, so
-- the claim keeps its signature and any claim (a re-claim after a lease
-- ran out too) is counted.

BEGIN;

SET LOCAL ROLE raceday_owner;

ALTER TABLE raceday.poll_targets
    ADD COLUMN claim_lag interval,
    ADD COLUMN late_streak integer NOT NULL DEFAULT 0 CHECK (late_streak >= 0);
COMMENT ON COLUMN raceday.poll_targets.claim_lag IS
    'How far past due (raceday.clock()) its latest claim came.';
COMMENT ON COLUMN raceday.poll_targets.late_streak IS
    'Claims in a row that came more than 15 s past due; 0 after one on time.';

CREATE FUNCTION raceday.track_poll_lateness() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, raceday, pg_temp
AS $$
BEGIN
    NEW.claim_lag := greatest(raceday.clock() - OLD.next_poll_at, interval '0');
    NEW.late_streak := CASE WHEN NEW.claim_lag > interval '15 seconds' THEN OLD.late_streak + 1 ELSE 0 END;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION raceday.track_poll_lateness() IS
    'Trigger: a claim (a new lease on a due target) records how late it came and counts late claims in a row.';

CREATE TRIGGER poll_targets_lateness
BEFORE UPDATE OF lease_until ON raceday.poll_targets
FOR EACH ROW
WHEN (NEW.lease_owner IS NOT NULL AND NEW.lease_until IS DISTINCT FROM OLD.lease_until
      AND OLD.next_poll_at IS NOT NULL)
EXECUTE FUNCTION raceday.track_poll_lateness();

COMMIT;
