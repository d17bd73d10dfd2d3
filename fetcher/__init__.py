"""The fetcher: the only long-running Python process of raceday.

It asks PostgreSQL what is due (raceday.claim_due_polls), fetches it from
the TAB API (or the simulator), and hands every response, failures
included, back to PostgreSQL (raceday.ingest_*). It decides nothing else.
"""
