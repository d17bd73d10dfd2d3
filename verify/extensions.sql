-- Verify raceday:extensions on pg

DO $$
BEGIN
    ASSERT (SELECT count(*) FROM pg_extension WHERE extname IN ('plpython3u', 'pg_cron')) = 2,
        'plpython3u or pg_cron is not installed';
END
$$;
