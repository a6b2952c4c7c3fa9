# shellcheck shell=bash
# Shared set-up of setup/run.sh and setup/test.sh (sourced, not run).
# Every step is idempotent: a second run checks and skips what is already done.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
VENV=${IMS_VENV:-$REPO/.venv}
ODOO_SERIES=18.0
# Odoo's official source release of the 18.0 series (all addons inside odoo/addons).
ODOO_SOURCE_URL=${ODOO_SOURCE_URL:-https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz}
ODOO_SRC=$REPO/.odoo-src
export PIP_CONSTRAINT=$REPO/setup/pip-constraints.txt
export PIP_DISABLE_PIP_VERSION_CHECK=1
export TZ=UTC

log() { printf '[ims] %s\n' "$*" >&2; }
die() { printf '[ims] error: %s\n' "$*" >&2; exit 1; }

as_postgres() {
    # Run a PostgreSQL client command as the postgres superuser.
    if [ "$(id -u)" = 0 ]; then su postgres -c "$(printf '%q ' "$@")"; else sudo -u postgres "$@"; fi
}

ensure_python() {
    local py=${PYTHON:-python3}
    command -v "$py" >/dev/null || die "$py not found: sudo apt-get install python3 python3-venv python3-dev"
    "$py" -c 'import sys; sys.exit(not (3, 10) <= sys.version_info[:2] <= (3, 12))' \
        || die "Odoo $ODOO_SERIES needs Python 3.10 to 3.12 (set PYTHON=python3.12 for instance)"
    if [ ! -x "$VENV/bin/python" ]; then
        log "creating the Python environment $VENV"
        # System site packages: an Odoo 18 that is already installed is used as is.
        "$py" -m venv --system-site-packages "$VENV" \
            || die "cannot create a virtualenv: sudo apt-get install python3-venv"
    fi
    PY=$VENV/bin/python
}

pip_install_once() {
    # pip install -r FILE unless FILE is unchanged since the last successful install.
    local file=$1 stamp
    stamp=$VENV/.ims-$(basename "$file").sha256
    if [ -f "$stamp" ] && sha256sum --status -c "$stamp" 2>/dev/null; then return 0; fi
    log "installing $(basename "$file")"
    "$PY" -m pip install -q -r "$file"
    sha256sum "$file" >"$stamp"
}

odoo_importable() {
    "$PY" - <<'PY' 2>/dev/null
import sys
import odoo.release
import odoo.addons.stock  # noqa: F401 (Odoo's addons must ship with it)
sys.exit(odoo.release.version_info[:2] != (18, 0))
PY
}

ensure_odoo() {
    if odoo_importable; then
        log "using Odoo $("$PY" -c 'import odoo.release as r; print(r.version)') ($("$PY" -c 'import odoo, os; print(os.path.dirname(odoo.__file__))'))"
        return 0
    fi
    log "no Odoo $ODOO_SERIES importable: installing it from $ODOO_SOURCE_URL"
    if [ ! -f "$ODOO_SRC/setup.py" ]; then
        rm -rf "$ODOO_SRC" && mkdir -p "$ODOO_SRC"
        "$PY" - "$ODOO_SOURCE_URL" "$ODOO_SRC/odoo.tar.gz" <<'PY'
import sys, urllib.request
urllib.request.urlretrieve(sys.argv[1], sys.argv[2])
PY
        tar -xzf "$ODOO_SRC/odoo.tar.gz" -C "$ODOO_SRC" --strip-components=1
        rm -f "$ODOO_SRC/odoo.tar.gz"
    fi
    # python-ldap (auth_ldap only) needs LDAP headers: left out.
    grep -v -i '^python-ldap' "$ODOO_SRC/requirements.txt" >"$ODOO_SRC/requirements-ims.txt"
    "$PY" -m pip install -q -r "$ODOO_SRC/requirements-ims.txt" \
        || die "building Odoo's requirements failed: sudo apt-get install build-essential python3-dev libpq-dev libxml2-dev libxslt1-dev libjpeg-dev zlib1g-dev"
    "$PY" -m pip install -q --no-deps "$ODOO_SRC"
    odoo_importable || die "Odoo $ODOO_SERIES is still not importable after installation"
}

ensure_postgres() {
    command -v psql >/dev/null && command -v pg_isready >/dev/null \
        || die "PostgreSQL is not installed: sudo apt-get install postgresql postgresql-client"
    if ! pg_isready -q; then
        log "starting PostgreSQL"
        local version
        version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
        if [ -n "$version" ] && [ "$(id -u)" = 0 ]; then
            pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
        else
            sudo service postgresql start || true
        fi
        for _ in $(seq 30); do pg_isready -q && break; sleep 1; done
        pg_isready -q || die "PostgreSQL does not start: see 'sudo service postgresql status'"
    fi
    if ! psql -d postgres -Atc 'select 1' >/dev/null 2>&1; then
        log "creating the PostgreSQL role $(id -un)"
        as_postgres createuser --superuser "$(id -un)"
    fi
}

db_exists() {
    [ "$(psql -d postgres -Atc "select count(*) from pg_database where datname = '$1'")" = 1 ]
}

suite_addons() {
    # Comma-separated names of the installable addons of the suite.
    "$PY" - <<'PY'
import ast, pathlib
names = sorted(
    m.parent.name
    for m in pathlib.Path("addons").glob("*/__manifest__.py")
    if ast.literal_eval(m.read_text()).get("installable", True)
)
print(",".join(names))
PY
}

odoo_bin() {
    "$PY" -m odoo "$@"
}

setup_all() {
    ensure_python
    ensure_odoo
    pip_install_once "$REPO/requirements.txt"
    ensure_postgres
}
