-- Deploy raceday:history_indexes to pg
-- requires: transform_odds money_flow_latest_id_cursor
-- Why: every poll writes each new history row into every index of its
-- partition, and two of them earned nothing (pg_stat_user_indexes over a
-- bench run):
--   odds_history had a unique key (entrant_id, odds_type, event_timestamp),
--   probed only for conflicts, and an index (race_id, entrant_id, odds_type,
--   event_timestamp) for the look-up of a runner's last price and for the
--   API's race filter. One unique key on the four columns serves all three
--   (an entrant belongs to one race, so it is as unique as the old key).
--   money_flow_history had (race_id, created_at) for the client's timeline,
--   which reads money_flow_latest (money_flow_latest_id_cursor) since: no
--   query reads it.
-- About 50 index entries fewer a poll of a race of 14 runners, and a quarter
-- less index space for the history. The new key is built on every existing
-- partition under a lock that holds the transform up: on a month of history,
-- deploy outside racing hours.

BEGIN;

SET LOCAL ROLE raceday_owner;

ALTER TABLE raceday.odds_history
    ADD CONSTRAINT odds_history_race_entrant_key UNIQUE (race_id, entrant_id, odds_type, event_timestamp);
ALTER TABLE raceday.odds_history DROP CONSTRAINT odds_history_entrant_id_odds_type_event_timestamp_key;
DROP INDEX raceday.odds_history_race_idx;
DROP INDEX raceday.money_flow_history_created_idx;

COMMIT;
