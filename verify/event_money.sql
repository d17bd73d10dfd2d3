-- Verify raceday:event_money on pg

DO $$
BEGIN
    ASSERT raceday.event_money('[{"entrant_id": "a", "hold_percentage": 1.5, "bet_percentage": 1},
                                 {"entrant_id": "a", "hold_percentage": 2, "bet_percentage": 0}]')
           = '{"a": {"hold": 3.5, "bet": 1}}', 'event_money must sum the entries of a runner';
END
$$;
