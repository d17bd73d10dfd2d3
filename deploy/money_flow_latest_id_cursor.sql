-- Deploy raceday:money_flow_latest_id_cursor to pg
-- requires: money_flow_latest
-- Why: the client fetches what is new in a race's timeline since its last
-- request (DOMAIN.md §7). created_at=gt.<last> misses a row that shares its
-- created_at with the last one read when a page ends between them; the id
-- is unique and, within a race, grows in commit order (each poll of a race
-- locks its races row in transform_race before its money-flow rows take
-- their ids, and holds it to commit), so id=gt.<last id>&order=id misses
-- nothing and repeats nothing. A bucket's latest row takes the id of the
-- history row that replaced it, so an updated bucket comes again with a
-- new id. This index makes that request an index range read in id order.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE INDEX money_flow_latest_id_idx ON raceday.money_flow_latest (race_id, id);

COMMIT;
