-- Revert raceday:plpython_modules_superuser from pg: the module source is
-- the owner's again, and the loader reads it without asking who owns it.

BEGIN;

REVOKE ALL ON raceday.plpython_modules FROM raceday_owner;
ALTER TABLE raceday.plpython_modules OWNER TO raceday_owner;

CREATE OR REPLACE FUNCTION raceday.plpython_module(name text) RETURNS text
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

COMMIT;
