-- Verify raceday:entrants on pg

SELECT entrant_id, race_id, name, runner_number, barrier, jockey, trainer_name,
       silk_colours, silk_url_64x64, silk_url_128x128, is_scratched, is_late_scratched,
       scratch_time, is_emergency, favourite, mover, fixed_win_odds, fixed_place_odds,
       pool_win_odds, pool_place_odds, hold_percentage, bet_percentage, win_pool_amount,
       place_pool_amount, win_pool_percentage, place_pool_percentage, created_at, updated_at
FROM raceday.entrants WHERE false;
