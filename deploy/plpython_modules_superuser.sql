-- Deploy raceday:plpython_modules_superuser to pg
-- requires: plpython_modules raceday_quality raceday_alerts
-- Why: the PL/Python wrappers exec the source stored in
-- raceday.plpython_modules, inside the server process, where Python can do
-- anything the operating system's postgres user can: read and write the
-- data directory, connect as any role over the local socket. The table
-- belonged to raceday_owner, so the owner could run any Python it liked
-- and was a superuser in all but name. Untrusted languages are for
-- superusers only, and so is their source now: the table belongs to the
-- deploying superuser (sqitch deploys as one; the modules' changes write
-- their source as it, before they SET ROLE), and raceday_owner, which runs
-- the wrappers from the transform, may only read it.
--
-- The owner still owns the raceday schema, and a schema's owner may drop
-- any table in it, then create its own raceday.plpython_modules. So the
-- loader checks where the rows it reads come from: a table owned by a
-- superuser, or it refuses to run anything.

BEGIN;

DO $$
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RAISE EXCEPTION 'deploy as a superuser: the PL/Python source must belong to one';
    END IF;
END
$$;

ALTER TABLE raceday.plpython_modules OWNER TO CURRENT_USER;
REVOKE ALL ON raceday.plpython_modules FROM PUBLIC, raceday_owner;
GRANT SELECT ON raceday.plpython_modules TO raceday_owner;

-- A superuser replaces the function; it stays the owner's (its owner cannot
-- change its body: plpython3u is untrusted).
CREATE OR REPLACE FUNCTION raceday.plpython_module(name text) RETURNS text
LANGUAGE plpython3u STABLE
AS $$
# Loads plpython/<name>.py into GD["raceday_modules"] (shared by every
# PL/Python function of the session) unless the cached copy has the
# deployed md5. Returns it; callers then use GD["raceday_modules"][name].
# The source is run only from a table a superuser owns: the row's own
# table (tableoid), so a look-alike table cannot pass for it.
modules = GD.setdefault("raceday_modules", {})
plan = SD.get("plan")
if plan is None:
    plan = SD["plan"] = plpy.prepare(
        "SELECT m.source, m.md5, r.rolsuper AS trusted FROM raceday.plpython_modules m"
        " JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) m.tableoid"
        " JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) c.relowner"
        " WHERE m.name OPERATOR(pg_catalog.=) $1", ["text"])
cached = modules.get(name)
rows = plpy.execute(plan, [name])
if not rows:
    plpy.error(f"PL/Python module {name} is not deployed", sqlstate="58P01")
if not rows[0]["trusted"]:
    plpy.error(f"PL/Python module {name}: raceday.plpython_modules is not owned by a superuser; not run",
               sqlstate="42501")
if cached is None or cached["__md5__"] != rows[0]["md5"]:
    namespace = {"__name__": name, "__md5__": rows[0]["md5"]}
    exec(compile(rows[0]["source"], f"plpython/{name}.py", "exec"), namespace)
    modules[name] = namespace
return rows[0]["md5"]
$$;

COMMIT;
