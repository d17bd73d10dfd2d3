-- Verify raceday:event_pools on pg

DO $$
BEGIN
    ASSERT raceday.event_pools('[]', '[{"product_name": "Pool Win", "pool_size": 10},
                                      {"product_name": "Pool Win", "pool_size": 12}]') = '{"win": 12}',
        'event_pools must fall back to the largest dividend pool_size';
END
$$;
