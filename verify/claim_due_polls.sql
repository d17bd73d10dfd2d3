-- Verify raceday:claim_due_polls on pg

SELECT 'raceday.claim_due_polls(text, integer)'::regprocedure, 'raceday.release_polls(text)'::regprocedure;
