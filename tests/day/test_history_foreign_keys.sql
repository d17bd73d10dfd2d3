-- History on a simulated day, without foreign keys (history_foreign_keys):
-- every money-flow and odds row still belongs to a stored runner of its race.
BEGIN;
SELECT plan(4);

SELECT ok((SELECT count(*) > 1000 FROM raceday.money_flow_history), 'the day wrote money flow');
SELECT ok((SELECT count(*) > 1000 FROM raceday.odds_history), 'and odds moves');
SELECT is((SELECT count(*) FROM raceday.money_flow_history h
           WHERE NOT EXISTS (SELECT FROM raceday.entrants e
                             WHERE e.entrant_id = h.entrant_id AND e.race_id = h.race_id)),
          0::bigint, 'no money-flow row without its runner in its race');
SELECT is((SELECT count(*) FROM raceday.odds_history h
           WHERE NOT EXISTS (SELECT FROM raceday.entrants e
                             WHERE e.entrant_id = h.entrant_id AND e.race_id = h.race_id)),
          0::bigint, 'no odds row without its runner in its race');

SELECT * FROM finish();
ROLLBACK;
