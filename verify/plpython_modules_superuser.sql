-- Verify raceday:plpython_modules_superuser on pg: the module source belongs
-- to a superuser and the owner may only read it.

SELECT 1 / (r.rolsuper AND NOT has_table_privilege('raceday_owner', c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE'))::int
FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE c.oid = 'raceday.plpython_modules'::regclass;
SELECT 1 / (position('rolsuper' IN prosrc) > 0)::int FROM pg_proc WHERE oid = 'raceday.plpython_module(text)'::regprocedure;
