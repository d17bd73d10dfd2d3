-- Verify raceday:money_flow_history on pg

SELECT id, race_id, entrant_id, staging_id, type, pool_type, time_interval, time_to_start,
       interval_type, hold_percentage, bet_percentage, win_pool_amount, place_pool_amount,
       win_pool_percentage, place_pool_percentage, incremental_win_amount,
       incremental_place_amount, incremental_amount, fixed_win_odds, fixed_place_odds,
       pool_win_odds, pool_place_odds, event_timestamp, polling_timestamp, created_at
FROM raceday.money_flow_history WHERE false;

DO $$
BEGIN
    ASSERT (SELECT partstrat FROM pg_partitioned_table
            WHERE partrelid = 'raceday.money_flow_history'::regclass) = 'r',
        'money_flow_history is not range-partitioned';
END
$$;
