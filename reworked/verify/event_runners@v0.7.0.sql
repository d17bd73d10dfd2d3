-- Verify raceday:event_runners on pg

DO $$
BEGIN
    ASSERT raceday.event_runners('[{"entrant_id": "a", "form": [1, 2], "jockey": null}]') = '[{"entrant_id": "a"}]',
        'event_runners must keep the fields read and drop the rest and the nulls';
END
$$;
