-- Verify raceday:race_results on pg

SELECT race_id, results_data, dividends_data, fixed_odds_data, result_status,
       results_available, photo_finish, stewards_inquiry, protest_lodged, result_time,
       created_at, updated_at
FROM raceday.race_results WHERE false;
