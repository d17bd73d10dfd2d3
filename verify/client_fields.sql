-- Verify raceday:client_fields on pg

SELECT track_direction, track_surface, rail_position FROM raceday.races WHERE false;
SELECT weight_allocated, weight_total, form_comment, last_twenty_starts FROM raceday.entrants WHERE false;
