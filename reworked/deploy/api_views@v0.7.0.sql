-- Deploy raceday:api_views to pg
-- requires: raceday_quality
-- Why: pipeline_status shows how good each race's data is: the quality
-- score (0-100) and reasons of its latest poll, next to its freshness. The
-- other views are as they were (api_views@v0.2.0); new columns go last, so
-- the view is replaced in place.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE OR REPLACE VIEW api.pipeline_status AS
SELECT r.race_id, r.status, r.start_time, t.last_polled_at AS last_poll, t.next_poll_at AS next_poll,
       t.failures AS consecutive_failures, t.last_status AS last_http_status, r.last_poll_time AS last_observation,
       q.last_ingest, coalesce(q.quarantined, 0) AS quarantined_polls,
       CASE WHEN r.status IN ('final', 'abandoned') THEN NULL ELSE now() - r.last_poll_time END AS data_age,
       lq.score AS quality_score, coalesce(lq.reasons, '{}') AS quality_reasons
FROM raceday.races r
LEFT JOIN raceday.poll_targets t ON t.race_id = r.race_id
LEFT JOIN LATERAL (
    SELECT max(s.received_at) AS last_ingest, count(*) FILTER (WHERE s.transform_error IS NOT NULL) AS quarantined
    FROM staging.raw_responses s
    WHERE s.target = r.race_id::text AND s.received_at >= now() - interval '30 days') q ON true
LEFT JOIN LATERAL (
    SELECT pq.score, pq.reasons FROM raceday.poll_quality pq
    WHERE pq.race_id = r.race_id ORDER BY pq.observed_at DESC LIMIT 1) lq ON true
WHERE r.start_time >= now() - interval '30 days';
COMMENT ON VIEW api.pipeline_status IS
    'Per race: last and next poll, failures in a row, last ingest, quarantined polls, the age of its data, and the quality score and reasons of its latest poll.';

COMMIT;
