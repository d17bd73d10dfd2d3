-- Revert raceday:history_foreign_keys from pg: the references again. Adding
-- them checks every stored row, and fails if history of a deleted race or
-- runner is still there (delete those rows first).

BEGIN;

SET LOCAL ROLE raceday_owner;

ALTER TABLE raceday.money_flow_history
    ADD CONSTRAINT money_flow_history_race_id_fkey FOREIGN KEY (race_id)
        REFERENCES raceday.races ON DELETE CASCADE,
    ADD CONSTRAINT money_flow_history_entrant_id_fkey FOREIGN KEY (entrant_id)
        REFERENCES raceday.entrants ON DELETE CASCADE;
ALTER TABLE raceday.odds_history
    ADD CONSTRAINT odds_history_race_id_fkey FOREIGN KEY (race_id)
        REFERENCES raceday.races ON DELETE CASCADE,
    ADD CONSTRAINT odds_history_entrant_id_fkey FOREIGN KEY (entrant_id)
        REFERENCES raceday.entrants ON DELETE CASCADE;

COMMIT;
