-- Verify raceday:races on pg

SELECT race_id, meeting_id, name, race_number, start_time, actual_start, status,
       distance, track_condition, weather, type, field_size, entrant_count,
       positions_paid, silk_url, race_date_nz, start_time_nz, last_status_change,
       finalized_at, abandoned_at, last_poll_time, created_at, updated_at
FROM raceday.races WHERE false;
