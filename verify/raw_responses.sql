-- Verify raceday:raw_responses on pg

SELECT id, kind, target, url, http_status, attempt, worker, received_at, last_received_at,
       seen_count, generated_at, body, body_raw, body_bytes, content_hash, fetch_error,
       processed_at, transform_error
FROM staging.raw_responses WHERE false;
