-- Revert raceday:stop_polling from pg

BEGIN;

SET LOCAL ROLE raceday_owner;

DROP FUNCTION raceday.resume_polling(text);
DROP FUNCTION raceday.stop_polling(text, text);

COMMIT;
