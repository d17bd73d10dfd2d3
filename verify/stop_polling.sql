-- Verify raceday:stop_polling on pg

DO $$
BEGIN
    PERFORM 'raceday.stop_polling(text, text)'::regprocedure, 'raceday.resume_polling(text)'::regprocedure;
    ASSERT NOT has_function_privilege('public', 'raceday.stop_polling(text, text)', 'EXECUTE'),
           'PUBLIC cannot stop polling';
END
$$;
