#!/usr/bin/env bash
# Builds, or reuses, everything raceday needs on a fresh Debian 12 machine:
#   1. host packages (debootstrap, sqitch with DBD::Pg, the psql client, venv);
#   2. a Debian sid root holding Debian's own PostgreSQL 18, pg_cron, pgTAP
#      and PL/Python packages (Debian 12 has only PostgreSQL 15), cached
#      outside the checkout under a versioned directory with a completion stamp;
#   3. the Python virtual environment with the pinned requirements;
#   4. the API's client library (tests/client) as its lock file pins it.
# A second run finds all three and takes a few seconds.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

# The machine's own Debian mirror, read from its apt sources (deb822 or
# one-line format); the first non-security archive wins. RACEDAY_DEBIAN_MIRROR
# overrides it. The machine's apt sources are only read, never changed.
debian_mirror() {
    if [ -n "${RACEDAY_DEBIAN_MIRROR:-}" ]; then echo "$RACEDAY_DEBIAN_MIRROR"; return; fi
    local f uri
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -r "$f" ] || continue
        uri=$(awk '/^#/ {next} /^URIs:/ {for (i = 2; i <= NF; i++) if ($i !~ /security/) {print $i; exit}}' "$f")
        [ -n "$uri" ] && { echo "$uri"; return; }
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -r "$f" ] || continue
        uri=$(awk '$1 == "deb" {for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) {if ($i !~ /security/) {print $i; exit} else next}}' "$f")
        [ -n "$uri" ] && { echo "$uri"; return; }
    done
    return 1
}

IFS=, read -ra ROOT_PACKAGE_LIST <<< "$ROOT_PACKAGES"

host_packages() {
    local missing=() p
    for p in $HOST_PACKAGES; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
    done
    if [ ${#missing[@]} -eq 0 ]; then echo "all present: $HOST_PACKAGES"; return 0; fi
    echo "installing: ${missing[*]}"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# Built in a temporary directory and renamed into place only when complete, so
# an interrupted build never looks finished; a lock serialises concurrent runs.
sid_root() {
    exec 9>"$CACHE_DIR/.root.lock"
    flock 9
    if [ -f "$ROOT_DIR/.complete" ]; then root_packages; return; fi
    local mirror tmp="$ROOT_DIR.tmp"
    mirror=$(debian_mirror) || { echo "no Debian mirror in the apt sources; set RACEDAY_DEBIAN_MIRROR"; return 1; }
    rm -rf "$tmp"
    debootstrap --variant=minbase --include="$ROOT_PACKAGES" sid "$tmp" "$mirror"
    # The package's default cluster and the downloaded .debs are dead weight:
    # raceday makes its own clusters under /srv.
    rm -rf "$tmp"/var/cache/apt/archives/*.deb "$tmp"/var/lib/postgresql/18/main "$tmp"/etc/postgresql/18/main
    # apt inside this root talks to a dated snapshot whose Release files have expired.
    echo 'Acquire::Check-Valid-Until "false";' > "$tmp/etc/apt/apt.conf.d/99raceday-snapshot"
    mkdir -p "$tmp/srv/raceday"
    chroot "$tmp" "$PG_BIN/postgres" --version
    chroot "$tmp" dpkg-query -W "${ROOT_PACKAGE_LIST[@]}" | tee "$tmp/.versions"
    date -u +%FT%TZ > "$tmp/.complete"
    mv "$tmp" "$ROOT_DIR"
}

# An existing root given the packages added to ROOT_PACKAGES since it was
# built, with apt inside it: minutes saved over a new debootstrap, and the
# clusters of other checkouts in the root keep running. The lists are
# refreshed only when the root's own lists do not know a package.
root_packages() {
    local missing=() p
    for p in "${ROOT_PACKAGE_LIST[@]}"; do
        # shellcheck disable=SC2016  # ${Status} is dpkg-query's field, not the shell's
        chroot "$ROOT_DIR" dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
    done
    if [ ${#missing[@]} -eq 0 ]; then echo "reused $ROOT_DIR"; return 0; fi
    echo "installing into $ROOT_DIR: ${missing[*]}"
    # The root's PostgreSQL stays at its version: only what is missing, and
    # nothing it would upgrade (a running cluster's binaries stay as they are).
    local install=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends --no-upgrade)
    chroot "$ROOT_DIR" "${install[@]}" "${missing[@]}" \
        || { chroot "$ROOT_DIR" apt-get update -q && chroot "$ROOT_DIR" "${install[@]}" "${missing[@]}"; }
    rm -f "$ROOT_DIR"/var/cache/apt/archives/*.deb
    chroot "$ROOT_DIR" dpkg-query -W "${ROOT_PACKAGE_LIST[@]}" > "$ROOT_DIR/.versions"
}

python_env() {
    if [ -f "$VENV_DIR/.complete" ]; then echo "reused $VENV_DIR"; return 0; fi
    rm -rf "$VENV_DIR"
    python3 -m venv "$VENV_DIR"
    "$VENV_DIR/bin/pip" install -q --disable-pip-version-check -r "$RACEDAY_HOME/requirements.txt"
    "$VENV_DIR/bin/pip" check
    touch "$VENV_DIR/.complete"
}

# npm ci into a temporary directory, renamed into place when complete.
node_client() {
    if [ -f "$NODE_DIR/.complete" ]; then echo "reused $NODE_DIR"; return 0; fi
    # Debian's nodejs leaves npm to a package of its own; NodeSource's carries it.
    command -v npm >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends npm
    local tmp="$NODE_DIR.tmp"
    rm -rf "$tmp" && mkdir -p "$tmp"
    cp "$RACEDAY_HOME/tests/client/package.json" "$RACEDAY_HOME/tests/client/package-lock.json" "$tmp/"
    (cd "$tmp" && npm ci --no-audit --no-fund --ignore-scripts)
    touch "$tmp/.complete"
    mv "$tmp" "$NODE_DIR"
}

require_root
command -v apt-get >/dev/null || die "apt-get not found: raceday's local setup needs a Debian machine"
mkdir -p "$CACHE_DIR"
step "host packages" host_packages
step "postgresql 18 root" sid_root
step "python environment" python_env
step "node client" node_client
say "toolchain ready in $(elapsed): $(tr '\n' ' ' < "$ROOT_DIR/.versions" | sed 's/\t/ /g')"
