-- Verify raceday:ops_pipeline_metrics on pg

SELECT 1 / count(*) FROM ops.pipeline_metrics() WHERE metric = 'raceday_db_max_connections';
