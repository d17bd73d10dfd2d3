-- Verify raceday:web_user on pg

DO $$
BEGIN
    ASSERT NOT (SELECT rolcanlogin FROM pg_roles WHERE rolname = 'web_user'), 'web_user can log in';
    ASSERT pg_has_role('authenticator', 'web_user', 'MEMBER'), 'the authenticator cannot switch to web_user';
    ASSERT pg_has_role('web_user', 'web_anon', 'USAGE'), 'web_user does not read what web_anon reads';
END
$$;
