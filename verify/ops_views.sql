-- Verify raceday:ops_views on pg

SELECT race_id, due, last_polled_at, overdue_by FROM ops.pipeline_lag WHERE false;
SELECT staging_id, failure, error FROM ops.failed_polls WHERE false;
SELECT parent, partition, bounds, live_rows, total_size FROM ops.partitions WHERE false;
SELECT jobname, last_start, last_status FROM ops.cron_jobs WHERE false;
SELECT status, responses, percent, failed FROM ops.fetch_errors WHERE false;
SELECT race_id, age, expected_every, stale FROM ops.freshness WHERE false;
