-- Revert raceday:grants to its version of grants@v0.6.0: what this version
-- granted on top of it is taken back (that version granted the rest).

BEGIN;

REVOKE EXECUTE ON FUNCTION ops.pipeline_metrics() FROM raceday_monitor;
REVOKE USAGE ON SCHEMA ops FROM raceday_monitor;
DO $$
BEGIN
    EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM raceday_monitor', current_database());
END
$$;

COMMIT;
