-- Verify raceday:plpython_modules on pg

SELECT name, source, md5 FROM raceday.plpython_modules WHERE false;
SELECT 'raceday.plpython_module(text)'::regprocedure;
