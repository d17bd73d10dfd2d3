-- Deploy raceday:archives to pg
-- requires: housekeeping security_definer_search_path ops_views_polish
-- Why: retention deleted raw responses after 7 days and dropped history
-- partitions 7 days after detaching them, with no copy: a day past its
-- retention could not be looked at or replayed again. Now each NZ racing
-- day's raw responses, and each detached history partition, are written to a
-- zstd file with a manifest by `python -m archive` (archive/), which records
-- the file here once it has read it back and checked its sha256, its row
-- count and each body's sha256. The retention functions delete or drop only
-- what such a row covers: verified, and holding as many rows as are there.
-- prune_staging refuses the whole run (an error pg_cron records) when any
-- due day is not covered; maintain_partitions keeps an uncovered partition,
-- says so in a warning and in its result, and carries on, since it also
-- makes the days ahead, which must never wait for an archive.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE TABLE raceday.archives (
    day         date NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('raw', 'money_flow_history', 'odds_history')),
    path        text NOT NULL,
    rows        bigint NOT NULL CHECK (rows >= 0),
    bytes       bigint NOT NULL CHECK (bytes >= 0),
    raw_bytes   bigint NOT NULL CHECK (raw_bytes >= 0),
    sha256      text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    verified_at timestamptz,
    verify_error text,
    deleted     bigint NOT NULL DEFAULT 0 CHECK (deleted BETWEEN 0 AND rows),
    PRIMARY KEY (day, kind)
);
COMMENT ON TABLE raceday.archives IS
    'One archive file per NZ racing day and kind (raw responses, or a history partition), written by python -m archive.';
COMMENT ON COLUMN raceday.archives.path IS 'The file, relative to the archive directory.';
COMMENT ON COLUMN raceday.archives.rows IS 'Rows in the file: what the database held when it was written.';
COMMENT ON COLUMN raceday.archives.bytes IS 'Size of the compressed file.';
COMMENT ON COLUMN raceday.archives.raw_bytes IS 'Size of the COPY text it holds, uncompressed.';
COMMENT ON COLUMN raceday.archives.sha256 IS 'sha256 of the compressed file, as its manifest says.';
COMMENT ON COLUMN raceday.archives.verified_at IS
    'When the file was last read back and found whole; null when it is missing or damaged (verify_error says how).';
COMMENT ON COLUMN raceday.archives.deleted IS
    'Rows retention has deleted since: the rows still in the database are rows - deleted.';

-- The rows of staging still held for an NZ racing day, and whether an
-- archive covers them: verified and holding them all. Null when covered.
CREATE FUNCTION raceday.archive_problem(day date, kind text, held bigint) RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, raceday, pg_temp
RETURN (SELECT CASE
            WHEN a.day IS NULL THEN format('%s of %s has no archive', archive_problem.kind, archive_problem.day)
            WHEN a.verified_at IS NULL THEN format('the archive of %s of %s (%s) is not verified: %s',
                                                   archive_problem.kind, archive_problem.day, a.path,
                                                   coalesce(a.verify_error, 'never read back'))
            WHEN a.rows - a.deleted <> held THEN format('the archive of %s of %s holds %s rows, the database %s',
                                                         archive_problem.kind, archive_problem.day,
                                                         a.rows - a.deleted, held)
        END
        FROM (SELECT) one LEFT JOIN raceday.archives a ON a.day = archive_problem.day AND a.kind = archive_problem.kind);
COMMENT ON FUNCTION raceday.archive_problem(date, text, bigint) IS
    'Why the held rows of a day and kind may not be deleted (no archive, not verified, a different count); null if they may.';

CREATE OR REPLACE FUNCTION raceday.prune_staging() RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, raceday, pg_temp
AS $$
DECLARE
    cutoff timestamptz := now() - (SELECT staging_retention FROM raceday.settings);
    problems text[];
    deleted bigint;
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('raceday.prune_staging')) THEN
        RETURN 0;
    END IF;
    -- Every day with a row due must be covered by its archive, or nothing goes.
    problems := ARRAY(
        SELECT raceday.archive_problem(d.day, 'raw',
                   (SELECT count(*) FROM staging.raw_responses s
                    WHERE s.received_at >= nz_day_start(d.day) AND s.received_at < nz_day_start(d.day + 1)))
        FROM (SELECT DISTINCT nz_racing_day(s.received_at) AS day FROM staging.raw_responses s
              WHERE s.received_at < cutoff) d
        ORDER BY d.day);
    problems := array_remove(problems, NULL);
    IF cardinality(problems) > 0 THEN
        RAISE EXCEPTION 'prune_staging: nothing deleted: %', array_to_string(problems, '; ')
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Run python -m archive run (it archives and verifies), then prune again.';
    END IF;
    -- Quarantined rows stay until they are fixed: they are the evidence.
    WITH gone AS (
        DELETE FROM staging.raw_responses s
        WHERE s.received_at < cutoff
          AND (s.body IS NULL OR s.processed_at IS NOT NULL AND s.transform_error IS NULL)
        RETURNING nz_racing_day(s.received_at) AS day
    ), per_day AS (
        SELECT g.day, count(*) AS n FROM gone g GROUP BY g.day
    ), counted AS (
        UPDATE raceday.archives a SET deleted = a.deleted + p.n FROM per_day p
        WHERE a.day = p.day AND a.kind = 'raw'
        RETURNING p.n
    )
    SELECT coalesce(sum(n), 0) INTO deleted FROM counted;
    RETURN deleted;
END
$$;
COMMENT ON FUNCTION raceday.prune_staging() IS
    'Deletes processed raw responses older than the staging retention, only of days a verified archive holds whole; otherwise deletes nothing and raises, naming each day.';

CREATE OR REPLACE FUNCTION raceday.maintain_partitions() RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, raceday, pg_temp
AS $$
DECLARE
    today date := raceday.nz_racing_day(now());
    cfg raceday.settings;
    part record;
    made integer;
    detached integer := 0;
    dropped integer := 0;
    held bigint;
    problem text;
    kept text[] := '{}'::text[];
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('raceday.maintain_partitions')) THEN
        RETURN 'busy';
    END IF;
    SELECT * INTO cfg FROM raceday.settings;
    made := raceday.ensure_history_partitions(today, today + 7);
    FOR part IN
        SELECT c.relname, p.relname AS parent
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
        WHERE i.inhparent IN ('raceday.money_flow_history'::regclass, 'raceday.odds_history'::regclass)
          AND c.relname ~ '_\d{8}$'
          AND to_date(right(c.relname, 8), 'YYYYMMDD') < raceday.nz_racing_day(now() - cfg.history_retention)
    LOOP
        EXECUTE format('ALTER TABLE raceday.%I DETACH PARTITION raceday.%I', part.parent, part.relname);
        INSERT INTO raceday.detached_partitions (name, parent) VALUES (part.relname, part.parent)
        ON CONFLICT (name) DO NOTHING;
        detached := detached + 1;
    END LOOP;
    FOR part IN
        SELECT d.name, d.parent FROM raceday.detached_partitions d
        WHERE d.detached_at < now() - cfg.detach_grace ORDER BY d.name
    LOOP
        IF to_regclass(format('raceday.%I', part.name)) IS NULL THEN
            DELETE FROM raceday.detached_partitions WHERE name = part.name;
            CONTINUE;
        END IF;
        EXECUTE format('SELECT count(*) FROM raceday.%I', part.name) INTO held;
        problem := raceday.archive_problem(to_date(right(part.name, 8), 'YYYYMMDD'), part.parent, held);
        IF problem IS NOT NULL THEN
            kept := kept || problem;
            CONTINUE;
        END IF;
        EXECUTE format('DROP TABLE raceday.%I', part.name);
        DELETE FROM raceday.detached_partitions WHERE name = part.name;
        UPDATE raceday.archives SET deleted = rows
        WHERE day = to_date(right(part.name, 8), 'YYYYMMDD') AND kind = part.parent;
        dropped := dropped + 1;
    END LOOP;
    IF cardinality(kept) > 0 THEN
        RAISE WARNING 'maintain_partitions: kept % detached partitions: %', cardinality(kept), array_to_string(kept, '; ')
            USING HINT = 'Run python -m archive run (it archives and verifies them); the next run drops them.';
        RETURN format('made %s, detached %s, dropped %s, kept %s without a verified archive', made, detached, dropped,
                      cardinality(kept));
    END IF;
    RETURN format('made %s, detached %s, dropped %s', made, detached, dropped);
END
$$;
COMMENT ON FUNCTION raceday.maintain_partitions() IS
    'Partitions for today + 7 NZ days; detaches history past retention; drops detached partitions past the grace once a verified archive holds them (others are kept, with a warning).';

CREATE VIEW ops.archives AS
SELECT a.day, a.kind, a.path, a.rows, a.bytes, a.raw_bytes, a.sha256, a.verified_at, a.verify_error,
       a.rows - a.deleted AS held
FROM raceday.archives a
ORDER BY a.day DESC, a.kind;
COMMENT ON VIEW ops.archives IS 'Archive files by NZ racing day and kind: rows, sizes, sha256, when last verified.';
COMMENT ON COLUMN ops.archives.day IS 'The NZ racing day archived.';
COMMENT ON COLUMN ops.archives.kind IS 'raw (staging.raw_responses), money_flow_history or odds_history (a detached partition).';
COMMENT ON COLUMN ops.archives.path IS 'The zstd file, relative to the archive directory; its manifest is beside it.';
COMMENT ON COLUMN ops.archives.rows IS 'Rows in the file.';
COMMENT ON COLUMN ops.archives.bytes IS 'Size of the file (compressed).';
COMMENT ON COLUMN ops.archives.raw_bytes IS 'Size of the COPY text it holds, uncompressed.';
COMMENT ON COLUMN ops.archives.sha256 IS 'sha256 of the file.';
COMMENT ON COLUMN ops.archives.verified_at IS 'When it was last read back whole; null: missing or damaged, and nothing it covers is deleted.';
COMMENT ON COLUMN ops.archives.verify_error IS 'Why the last read-back failed.';
COMMENT ON COLUMN ops.archives.held IS 'Rows of it the database still holds (the rest retention deleted).';

COMMIT;
