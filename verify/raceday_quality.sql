-- Verify raceday:raceday_quality on pg
-- The database runs the code of plpython/raceday_quality.py, byte for byte.

\set source `cat plpython/raceday_quality.py`
SELECT 1 / (source = :'source')::int FROM raceday.plpython_modules WHERE name = 'raceday_quality';
SELECT 1 / ((raceday.quality_score('open', 100, 100, 1, '{}', 8, 8, 0, 0) ->> 'score')::int = 90)::int;
SELECT score, reasons FROM raceday.poll_quality WHERE false;
