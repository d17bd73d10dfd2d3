-- Verify raceday:archives on pg

DO $$
BEGIN
    PERFORM day, kind, path, rows, bytes, raw_bytes, sha256, verified_at, deleted FROM raceday.archives WHERE false;
    PERFORM day, kind, path, rows, bytes, raw_bytes, sha256, verified_at FROM ops.archives WHERE false;
    ASSERT raceday.archive_problem('2000-01-01', 'raw', 0) = 'raw of 2000-01-01 has no archive',
        'a day without an archive is not refused';
    ASSERT pg_get_functiondef('raceday.prune_staging()'::regprocedure) LIKE '%archive_problem%',
        'prune_staging does not check archives';
    ASSERT pg_get_functiondef('raceday.maintain_partitions()'::regprocedure) LIKE '%archive_problem%',
        'maintain_partitions does not check archives';
END
$$;
