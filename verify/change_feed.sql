-- Verify raceday:change_feed on pg

SELECT id, race_id, staging_id, observed_at, kinds, runners, created_at FROM raceday.change_feed WHERE false;
SELECT change_feed_retention FROM raceday.settings WHERE false;
DO $$
BEGIN
    ASSERT raceday.day_kinds() @> ARRAY['status', 'results'], 'the day feed shows status and results';
    PERFORM 'raceday.announce(uuid, text[], bigint, timestamptz, uuid[])'::regprocedure,
            'raceday.announce_event(bigint, raceday.races)'::regprocedure,
            'raceday.announce_meetings(bigint)'::regprocedure,
            'raceday.prune_change_feed()'::regprocedure;
    ASSERT EXISTS (SELECT FROM pg_trigger WHERE tgrelid = 'raceday.entrants'::regclass AND tgname = 'change_feed_reset'),
           'a reprocess announces a reset';
    ASSERT EXISTS (SELECT FROM cron.job WHERE jobname = 'raceday-change-feed-retention'), 'the feed is pruned nightly';
END
$$;
