#!/usr/bin/env bash
# Command 2: lint, then run the whole test suite on a fresh database with every
# addon of the suite installed. Fails on any failed, errored or skipped test,
# and on warnings or errors that the suite's code writes to the Odoo log.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
setup_all
pip_install_once "$REPO/requirements-test.txt"

ensure_chromium() {
    # Odoo's tours (HttpCase.start_tour) run in a headless Chromium.
    command -v chromium >/dev/null || command -v google-chrome >/dev/null && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        log "installing Chromium for the browser tests"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        die "browser tests need Chromium: sudo apt-get install chromium"
    fi
}

ensure_chromium
log "lint: ruff and pylint-odoo"
"$PY" -m ruff check addons tests setup
"$PY" -m ruff format --check addons tests setup
"$PY" -m pylint --rcfile=.pylintrc addons/*/

DB=${IMS_TEST_DB:-ims_test}
ADDONS=$(suite_addons)
LOGS=$REPO/var/log
mkdir -p "$LOGS"
rm -f "$LOGS"/*.log

log "fresh database $DB: installing $ADDONS"
dropdb --if-exists "$DB"
rm -rf "$REPO/.data/filestore/$DB"
odoo_bin -c .odoo-config -d "$DB" -i "$ADDONS" --stop-after-init \
    --log-level=warn --logfile="$LOGS/install.log" \
    || { cat "$LOGS/install.log"; die "installing the suite failed"; }

log "pytest-odoo over addons/*/tests and tests/"
status=0
"$PY" -m pytest -p no:cacheprovider \
    --odoo-config=.odoo-config --odoo-database="$DB" --odoo-http \
    --odoo-log-level=warn \
    --odoo-extra="logfile=$LOGS/pytest.log" \
    "$@" addons/*/tests tests || status=$?

"$PY" setup/check_log.py --addons "$ADDONS" "$LOGS/install.log" "$LOGS/pytest.log" || status=1
exit $status
