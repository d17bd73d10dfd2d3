-- Verify raceday:poll_targets_stopped on pg

SELECT not_found, stopped_at, stopped_reason, resumed_at FROM raceday.poll_targets WHERE false;
SELECT stop_after_404s, stop_after_start FROM raceday.settings WHERE false;
DO $$
BEGIN
    ASSERT EXISTS (SELECT FROM pg_trigger WHERE tgrelid = 'raceday.poll_targets'::regclass AND tgname = 'hold_stopped'),
           'a stopped target is held stopped';
END
$$;
