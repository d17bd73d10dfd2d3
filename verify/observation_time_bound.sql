-- Verify raceday:observation_time_bound on pg

SELECT clock_skew FROM staging.raw_responses WHERE false;
SELECT generated_time_tolerance FROM raceday.settings WHERE false;
DO $$
BEGIN
    ASSERT raceday.duration_text(interval '-1500 days') = '4 years', 'durations read as their largest unit';
    ASSERT pg_get_functiondef('raceday.run_transform(bigint, text, jsonb)'::regprocedure)
               LIKE '%check_observation_time(staging_id)%', 'an event''s observation time is checked first';
    PERFORM 'raceday.clock_at(timestamptz)'::regprocedure;
END
$$;
