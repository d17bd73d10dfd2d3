-- Verify raceday:meetings on pg

SELECT meeting_id, meeting_name, country, category, date, state,
       track_condition, created_at, updated_at
FROM raceday.meetings WHERE false;
