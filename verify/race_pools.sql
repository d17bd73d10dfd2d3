-- Verify raceday:race_pools on pg

SELECT race_id, win_pool_total, place_pool_total, quinella_pool_total, trifecta_pool_total,
       exacta_pool_total, first4_pool_total, total_race_pool, currency, last_updated,
       created_at, updated_at
FROM raceday.race_pools WHERE false;
