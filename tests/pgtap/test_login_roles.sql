-- Login roles: each has a connection limit, and together they leave
-- connections for an operator; the owner may log in only for pg_cron
-- (limit 0), and no login role of raceday is a superuser.
BEGIN;
SELECT plan(4);

SELECT results_eq($$SELECT rolname::text COLLATE "default", rolconnlimit FROM pg_roles
                    WHERE rolcanlogin AND NOT rolsuper AND rolname !~ '^pg_' ORDER BY 1$$,
                  $$VALUES ('authenticator', 40), ('raceday_fetcher', 20), ('raceday_monitor', 3), ('raceday_owner', 0)$$,
                  'each login role has its connection limit');
SELECT cmp_ok((SELECT sum(rolconnlimit) FROM pg_roles WHERE rolcanlogin AND NOT rolsuper AND rolname !~ '^pg_'),
              '<', (current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int
                    - current_setting('reserved_connections')::int)::bigint,
              'together below what non-superusers may take: room is left for other clients');
SELECT is((SELECT count(*) FROM pg_roles r WHERE rolname IN ('raceday_owner', 'raceday_fetcher', 'authenticator',
                                                           'web_anon', 'raceday_monitor') AND (rolsuper OR rolbypassrls OR rolcreaterole
                                                                            OR rolcreatedb OR rolreplication)),
          0::bigint, 'no raceday role is a superuser or holds a cluster-wide power');
SELECT is((SELECT rolpassword FROM pg_authid WHERE rolname = 'raceday_owner'), NULL, 'the owner has no password');

SELECT * FROM finish();
ROLLBACK;
