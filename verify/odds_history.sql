-- Verify raceday:odds_history on pg

SELECT id, race_id, entrant_id, staging_id, odds_type, odds, event_timestamp, created_at
FROM raceday.odds_history WHERE false;

DO $$
BEGIN
    ASSERT (SELECT partstrat FROM pg_partitioned_table
            WHERE partrelid = 'raceday.odds_history'::regclass) = 'r',
        'odds_history is not range-partitioned';
END
$$;
