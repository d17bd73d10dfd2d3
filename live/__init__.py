"""live: the push service of raceday.

It holds one LISTEN connection on the database's change feed (channel
`raceday_changes`), reads each change of a watched race once with the `api`
feed functions, and fans the events out over Server-Sent Events: /races/{id}
for one race, /upcoming for the day's list. Every event has an id a client
resumes from (`Last-Event-ID`, re-read from the database), so neither a
restart of live nor of PostgreSQL loses one. It also serves the race board
(web/) and its /config.json. The interface is spec-live (the change feed and
the wire format); the configuration is in config.py.
"""
