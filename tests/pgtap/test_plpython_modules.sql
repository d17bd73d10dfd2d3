-- The Python the database runs is a superuser's to write: the owner reads
-- the module source and cannot change it, nor make the loader run source
-- from a table of its own.
BEGIN;
SELECT plan(6);

SELECT ok((SELECT r.rolsuper FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner
           WHERE c.oid = 'raceday.plpython_modules'::regclass), 'the module source belongs to a superuser');
SELECT table_privs_are('raceday', 'plpython_modules', 'raceday_owner', ARRAY['SELECT'],
                       'raceday_owner may only read it');
SELECT throws_ok($$SET LOCAL ROLE raceday_owner;
                   UPDATE raceday.plpython_modules SET source = 'import os' WHERE name = 'raceday_quality'$$,
                 '42501', NULL, 'the owner cannot change a module');
RESET ROLE;
SELECT lives_ok($$SET LOCAL ROLE raceday_owner; SELECT raceday.quality_score('open', 100, 100, 0, '{}', 8, 8, 0, 0);
                  RESET ROLE$$, 'the owner runs the modules (the transform does)');

-- The owner owns the schema, so it may drop the table and make its own.
SET LOCAL ROLE raceday_owner;
DROP TABLE raceday.plpython_modules;
CREATE TABLE raceday.plpython_modules (name text PRIMARY KEY, source text, md5 text);
INSERT INTO raceday.plpython_modules VALUES ('raceday_quality', 'score = lambda facts: {"score": 0}', 'owner''s');
RESET ROLE;
SELECT throws_like($$SELECT raceday.quality_score('open', 100, 100, 0, '{}', 8, 8, 0, 0)$$,
                   '%PL/Python module raceday_quality: raceday.plpython_modules is not owned by a superuser; not run',
                   'the loader refuses source from a table the owner made');
SELECT throws_ok($$SET LOCAL ROLE raceday_owner; SELECT raceday.quality_score('open', 100, 100, 0, '{}', 8, 8, 0, 0)$$,
                 '42501', NULL, 'whoever calls it');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
