-- Deploy raceday:plpython_modules to pg
-- requires: schemas extensions
-- Why: PL/Python code lives in plpython/ as plain modules that pytest
-- imports; the database must run that same code, not a copy pasted into a
-- function body. Each module's change stores its source here (read from
-- the file by psql at deploy time), and thin plpython3u wrappers execute
-- it once per session, keyed by its hash: a session that cached an older
-- version of a module reloads it after a redeploy. Wrappers take and return
-- jsonb through jsonb_plpython3u, as Python objects: importing json costs a
-- new session over 100 ms (the root's Python has no compiled stdlib).

BEGIN;

CREATE EXTENSION IF NOT EXISTS jsonb_plpython3u;

SET LOCAL ROLE raceday_owner;

CREATE TABLE raceday.plpython_modules (
    name        text PRIMARY KEY CHECK (name ~ '^[a-z_][a-z0-9_]*$'),
    source      text NOT NULL,
    -- A change detector for the sessions' cached copies, not a security hash.
    md5         text GENERATED ALWAYS AS (md5(source)) STORED,
    deployed_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE raceday.plpython_modules IS
    'Source of the plpython/ modules the database runs, as deployed from the files; see raceday.plpython_module().';

RESET ROLE;

-- Untrusted languages need a superuser to create functions; the deploy is
-- one, and the function is then given to the owner.
CREATE FUNCTION raceday.plpython_module(name text) RETURNS text
LANGUAGE plpython3u STABLE
AS $$
# Loads plpython/<name>.py into GD["raceday_modules"] (shared by every
# PL/Python function of the session) unless the cached copy has the
# deployed md5. Returns it; callers then use GD["raceday_modules"][name].
modules = GD.setdefault("raceday_modules", {})
plan = SD.get("plan")
if plan is None:
    plan = SD["plan"] = plpy.prepare("SELECT source, md5 FROM raceday.plpython_modules WHERE name = $1", ["text"])
cached = modules.get(name)
rows = plpy.execute(plan, [name])
if not rows:
    plpy.error(f"PL/Python module {name} is not deployed", sqlstate="58P01")
if cached is None or cached["__md5__"] != rows[0]["md5"]:
    namespace = {"__name__": name, "__md5__": rows[0]["md5"]}
    exec(compile(rows[0]["source"], f"plpython/{name}.py", "exec"), namespace)
    modules[name] = namespace
return rows[0]["md5"]
$$;
COMMENT ON FUNCTION raceday.plpython_module(text) IS
    'Load (or reload, when redeployed) a plpython/ module into the session; returns its hash.';
ALTER FUNCTION raceday.plpython_module(text) OWNER TO raceday_owner;
-- Made by the superuser, so the owner's default privileges did not apply.
REVOKE EXECUTE ON FUNCTION raceday.plpython_module(text) FROM PUBLIC;

COMMIT;
