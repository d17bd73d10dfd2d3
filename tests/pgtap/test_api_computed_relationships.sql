-- api.odds_history(api.entrants), api.money_flow_timeline(api.entrants):
-- a runner's own rows, and functions PostgreSQL can inline (so PostgREST's
-- embed of them reads the history's indexes for each runner).
BEGIN;
SELECT plan(6);

INSERT INTO raceday.meetings (meeting_id, meeting_name, country, category, date)
VALUES ('00000000-0000-4000-8000-0000000000e1', 'Riccarton', 'NZ', 'T', raceday.nz_racing_day(now()));
INSERT INTO raceday.races (race_id, meeting_id, name, race_number, start_time, status)
VALUES ('00000000-0000-4000-8000-0000000000f1', '00000000-0000-4000-8000-0000000000e1', 'R1', 1,
        now() + interval '20 minutes', 'open');
INSERT INTO raceday.entrants (entrant_id, race_id, name, runner_number) VALUES
    ('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-0000000000f1', 'Alpha', 1),
    ('00000000-0000-4000-8000-00000000000b', '00000000-0000-4000-8000-0000000000f1', 'Bravo', 2);
INSERT INTO raceday.odds_history (race_id, entrant_id, staging_id, odds_type, odds, event_timestamp)
SELECT '00000000-0000-4000-8000-0000000000f1', e, 1, 'fixed_win', 2 + n, now() - n * interval '1 minute'
FROM unnest('{00000000-0000-4000-8000-00000000000a, 00000000-0000-4000-8000-00000000000b}'::uuid[]) e,
     generate_series(1, 3) n
WHERE e = '00000000-0000-4000-8000-00000000000a' OR n = 1;

SELECT results_eq($$SELECT o.odds FROM api.entrants e, api.odds_history(e) o
                    WHERE e.runner_number = 1 ORDER BY o.event_timestamp DESC$$,
                  $$VALUES (3.00::numeric(10,2)), (4.00), (5.00)$$, 'a runner''s odds moves, and only its own');
SELECT results_eq($$SELECT e.runner_number, count(o.id) FROM api.entrants e
                    LEFT JOIN LATERAL api.odds_history(e) o ON true GROUP BY 1 ORDER BY 1$$,
                  $$VALUES (1, 3::bigint), (2, 1::bigint)$$, 'each runner its own count, as an embed reads them');
SELECT is_empty($$SELECT * FROM api.entrants e, api.money_flow_timeline(e)$$, 'no money flow yet: nothing');
SELECT is((SELECT string_agg(format('%s: %s %s %s %s', p.proname, l.lanname, p.provolatile, p.prosecdef, p.proretset),
                              '; ' ORDER BY p.proname)
            FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
            WHERE p.oid IN ('api.odds_history(api.entrants)'::regprocedure,
                            'api.money_flow_timeline(api.entrants)'::regprocedure)),
          'money_flow_timeline: sql s f t; odds_history: sql s f t',
          'plain SQL, STABLE, not SECURITY DEFINER, SETOF: inlined into the embedding query');
SELECT isnt(obj_description('api.odds_history(api.entrants)'::regprocedure, 'pg_proc'), NULL,
            'documented (the API''s description)');
SELECT lives_ok($$SET LOCAL ROLE web_anon; SELECT * FROM api.entrants e, api.odds_history(e); RESET ROLE$$,
                'web_anon embeds them');

SELECT * FROM finish();
ROLLBACK;
