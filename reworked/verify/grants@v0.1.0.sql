-- Verify raceday:grants on pg

DO $$
BEGIN
    ASSERT has_schema_privilege('web_anon', 'api', 'USAGE'), 'web_anon cannot use api';
    ASSERT NOT has_schema_privilege('web_anon', 'public', 'USAGE'), 'web_anon can use public';
    ASSERT NOT has_schema_privilege('raceday_fetcher', 'staging', 'USAGE'), 'the fetcher can use staging';
    ASSERT has_function_privilege('raceday_fetcher', 'raceday.claim_due_polls(text, integer)', 'EXECUTE'),
        'the fetcher cannot claim polls';
    ASSERT NOT has_database_privilege('public', current_database(), 'CONNECT'), 'PUBLIC can connect';
END
$$;
