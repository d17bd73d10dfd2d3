-- Deploy raceday:poll_targets_stopped to pg
-- requires: poll_targets
-- requires: settings
-- Why: a target that TAB answers with 404 (a race of an earlier day, a page
-- that is gone) was polled for ever, every 15 s to 5 min, and its failures
-- buried the real ones in ops.failed_polls. A target can now be stopped:
-- next_poll_at null, with when and why (stopped_at, stopped_reason), by the
-- give-up rules (poll_give_up) or by hand (stop_polling). A stopped target
-- stays stopped whatever reschedules it (an ingest of a poll that was in
-- flight, a meetings refresh): a trigger holds its next_poll_at at null
-- until resume_polling clears stopped_at. The limits of the give-up rules
-- are settings.

BEGIN;

SET LOCAL ROLE raceday_owner;

ALTER TABLE raceday.settings
    ADD COLUMN stop_after_404s integer NOT NULL DEFAULT 5 CHECK (stop_after_404s BETWEEN 1 AND 1000),
    ADD COLUMN stop_after_start interval NOT NULL DEFAULT '6 hours' CHECK (stop_after_start >= interval '1 hour');
COMMENT ON COLUMN raceday.settings.stop_after_404s IS
    'Polling a target stops after this many HTTP 404 answers in a row (raceday.resume_polling starts it again).';
COMMENT ON COLUMN raceday.settings.stop_after_start IS
    'Polling a race stops when it is still not final or abandoned this long after its advertised start (or after a resume by hand).';

-- Defaults that cost nothing: no rewrite of the table.
ALTER TABLE raceday.poll_targets
    ADD COLUMN not_found integer NOT NULL DEFAULT 0 CHECK (not_found >= 0),
    ADD COLUMN stopped_at timestamptz,
    ADD COLUMN stopped_reason text,
    ADD COLUMN resumed_at timestamptz,
    ADD CONSTRAINT poll_targets_stopped_reason_check CHECK ((stopped_at IS NULL) = (stopped_reason IS NULL)),
    ADD CONSTRAINT poll_targets_stopped_not_due_check CHECK (stopped_at IS NULL OR next_poll_at IS NULL);
COMMENT ON COLUMN raceday.poll_targets.not_found IS
    'HTTP 404 answers in a row (a success or another failure ends the run); settings.stop_after_404s of them stop polling.';
COMMENT ON COLUMN raceday.poll_targets.stopped_at IS
    'When polling stopped (raceday.clock()) by a give-up rule or by hand; null: not stopped. A stopped target has no next_poll_at.';
COMMENT ON COLUMN raceday.poll_targets.stopped_reason IS 'Why polling stopped; null when not stopped.';
COMMENT ON COLUMN raceday.poll_targets.resumed_at IS
    'When raceday.resume_polling last started the target again (raceday.clock()); the hours-past-start rule counts from here too.';

CREATE INDEX poll_targets_stopped_idx ON raceday.poll_targets (stopped_at) WHERE stopped_at IS NOT NULL;

CREATE FUNCTION raceday.poll_targets_hold_stopped() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
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
COMMENT ON FUNCTION raceday.poll_targets_hold_stopped() IS
    'Trigger: a stopped poll target keeps next_poll_at null; a success (failures 0) ends its run of 404s.';

-- WHEN keeps the function out of the ordinary update (a claim, an ingest).
CREATE TRIGGER hold_stopped BEFORE UPDATE ON raceday.poll_targets
    FOR EACH ROW
    WHEN (NEW.stopped_at IS NOT NULL AND NEW.next_poll_at IS NOT NULL OR NEW.failures = 0 AND NEW.not_found <> 0)
    EXECUTE FUNCTION raceday.poll_targets_hold_stopped();

COMMIT;
