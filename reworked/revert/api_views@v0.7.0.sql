-- Revert raceday:api_views from pg: pipeline_status as of api_views@v0.2.0
-- (a view loses columns only by being made again).

BEGIN;

SET LOCAL ROLE raceday_owner;

DROP VIEW api.pipeline_status;
CREATE VIEW api.pipeline_status AS
SELECT r.race_id, r.status, r.start_time, t.last_polled_at AS last_poll, t.next_poll_at AS next_poll,
       t.failures AS consecutive_failures, t.last_status AS last_http_status, r.last_poll_time AS last_observation,
       q.last_ingest, coalesce(q.quarantined, 0) AS quarantined_polls,
       CASE WHEN r.status IN ('final', 'abandoned') THEN NULL ELSE now() - r.last_poll_time END AS data_age
FROM raceday.races r
LEFT JOIN raceday.poll_targets t ON t.race_id = r.race_id
LEFT JOIN LATERAL (
    SELECT max(s.received_at) AS last_ingest, count(*) FILTER (WHERE s.transform_error IS NOT NULL) AS quarantined
    FROM staging.raw_responses s
    WHERE s.target = r.race_id::text AND s.received_at >= now() - interval '30 days') q ON true
WHERE r.start_time >= now() - interval '30 days';
COMMENT ON VIEW api.pipeline_status IS
    'Per race: last and next poll, failures in a row, last ingest, quarantined polls, and the age of its data.';

COMMIT;
