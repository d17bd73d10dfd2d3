-- Verify raceday:api_feed on pg

SELECT change_id, part, event, data FROM api.day_feed(0, 1) WHERE false;
SELECT api.feed_cursor();
DO $$
BEGIN
    PERFORM 'api.race_feed(uuid, bigint, integer)'::regprocedure,
            'raceday.check_feed_window(bigint, integer)'::regprocedure;
    ASSERT has_function_privilege('web_anon', 'api.race_feed(uuid, bigint, integer)', 'EXECUTE'),
           'web_anon follows a race';
END
$$;
