-- Revert raceday:history_foreign_keys from pg: the references again.
-- Added NOT VALID, which is instant: new rows are checked at once, the rows
-- already stored are not. Checking them here would hold a SHARE ROW
-- EXCLUSIVE lock on the history tables, races and entrants (no ingest) for
-- the whole scan of the history; the runbook's rollback validates them
-- afterwards instead (ALTER TABLE ... VALIDATE CONSTRAINT), which locks
-- neither writers nor readers and fails, naming the constraint, if history
-- of a deleted race or runner is still there (delete those rows, then
-- validate again).

BEGIN;

SET LOCAL ROLE raceday_owner;

ALTER TABLE raceday.money_flow_history
    ADD CONSTRAINT money_flow_history_race_id_fkey FOREIGN KEY (race_id)
        REFERENCES raceday.races ON DELETE CASCADE NOT VALID,
    ADD CONSTRAINT money_flow_history_entrant_id_fkey FOREIGN KEY (entrant_id)
        REFERENCES raceday.entrants ON DELETE CASCADE NOT VALID;
ALTER TABLE raceday.odds_history
    ADD CONSTRAINT odds_history_race_id_fkey FOREIGN KEY (race_id)
        REFERENCES raceday.races ON DELETE CASCADE NOT VALID,
    ADD CONSTRAINT odds_history_entrant_id_fkey FOREIGN KEY (entrant_id)
        REFERENCES raceday.entrants ON DELETE CASCADE NOT VALID;

COMMIT;
