-- Verify raceday:grants on pg

DO $$
BEGIN
    ASSERT has_schema_privilege('web_anon', 'api', 'USAGE'), 'web_anon cannot use api';
    ASSERT NOT has_schema_privilege('web_anon', 'public', 'USAGE'), 'web_anon can use public';
    ASSERT NOT has_schema_privilege('raceday_fetcher', 'staging', 'USAGE'), 'the fetcher can use staging';
    ASSERT has_function_privilege('raceday_fetcher', 'raceday.claim_due_polls(text, integer)', 'EXECUTE'),
        'the fetcher cannot claim polls';
    ASSERT has_function_privilege('raceday_fetcher', 'raceday.ingest_event(text, text, timestamptz, jsonb)', 'EXECUTE'),
        'the fetcher cannot ingest an event as received';
    ASSERT NOT has_function_privilege('raceday_fetcher', 'raceday.ingest_event(text, jsonb, timestamptz, jsonb)',
                                      'EXECUTE'), 'the fetcher can ingest a parsed event';
    ASSERT NOT has_database_privilege('public', current_database(), 'CONNECT'), 'PUBLIC can connect';
    ASSERT NOT has_function_privilege('web_anon', 'cron.schedule(text, text, text)', 'EXECUTE'),
        'web_anon can execute cron.schedule';
    ASSERT has_function_privilege('raceday_monitor', 'ops.pipeline_metrics()', 'EXECUTE'),
        'the metrics exporter cannot read the pipeline''s state';
    ASSERT NOT has_schema_privilege('raceday_monitor', 'raceday', 'USAGE'), 'the metrics exporter can use raceday';
    ASSERT NOT has_function_privilege('web_anon', 'ops.pipeline_metrics()', 'EXECUTE'),
        'web_anon can read the pipeline''s state';
    ASSERT NOT has_function_privilege('web_anon', 'api.save_alert_configs(jsonb, boolean)', 'EXECUTE'),
        'web_anon can save alert settings';
    ASSERT has_function_privilege('web_user', 'api.save_alert_configs(jsonb, boolean)', 'EXECUTE'),
        'web_user cannot save alert settings';
    ASSERT has_table_privilege('web_user', 'api.races', 'SELECT'), 'web_user cannot read races';
    ASSERT has_function_privilege('web_anon', 'api.odds_history(api.entrants)', 'EXECUTE'),
        'web_anon cannot embed odds_history';
END
$$;
