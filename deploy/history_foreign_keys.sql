-- Deploy raceday:history_foreign_keys to pg
-- requires: money_flow_history odds_history
-- Why: the history tables referenced races and entrants, so every history
-- row written checked its race and its runner (a FOR KEY SHARE lookup each):
-- about 120 checks a poll of a 14-runner race. Over a replayed day of
-- 11,790 polls they were 40 % of the transform: p50 9.6 ms with them and
-- 5.7 ms without, p95 33 ms and 8.8 ms. On one real-size race polled alone
-- (make bench) they were about a tenth of it: p50 10.6 ms and 9.5 ms.
-- They guard nothing the transform can get wrong: it writes history only
-- for the runners it has just upserted in the same transaction, and
-- reprocess deletes a race's history itself before its runners. History is
-- append-only and leaves with its partition. What is given up: a race or
-- runner deleted by hand no longer takes its history with it (those rows
-- stay until their day's partition is dropped); tests/day checks that a
-- simulated day leaves no history row without its runner.

BEGIN;

SET LOCAL ROLE raceday_owner;

ALTER TABLE raceday.money_flow_history
    DROP CONSTRAINT money_flow_history_race_id_fkey,
    DROP CONSTRAINT money_flow_history_entrant_id_fkey;
ALTER TABLE raceday.odds_history
    DROP CONSTRAINT odds_history_race_id_fkey,
    DROP CONSTRAINT odds_history_entrant_id_fkey;

COMMIT;
