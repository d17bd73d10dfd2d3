-- Verify raceday:api_views on pg

SELECT meeting_id, meeting_name, country, race_type, category, date, status, first_race_time, is_completed,
       total_races, finalized_races FROM api.meetings WHERE false;
SELECT race_id, meeting_id, meeting_name, name, race_number, start_time, actual_start, status, distance,
       track_condition, weather, type, race_type, field_size, entrant_count, positions_paid, silk_url,
       race_date_nz, start_time_nz FROM api.races WHERE false;
SELECT entrant_id, race_id, updated_at FROM api.entrants WHERE false;
SELECT race_id, total_race_pool, currency, last_updated FROM api.race_pools WHERE false;
SELECT id, race_id, entrant_id, time_interval, incremental_amount, created_at FROM api.money_flow_timeline WHERE false;
SELECT id, race_id, entrant_id, odds_type, odds FROM api.odds_history WHERE false;
SELECT race_id, results_data, result_status FROM api.race_results WHERE false;
SELECT race_id, last_poll, next_poll, quarantined_polls, data_age FROM api.pipeline_status WHERE false;
SELECT quality_score, quality_reasons FROM api.pipeline_status WHERE false;
