#!/usr/bin/env bash
# Command 1: start Odoo 18 with the whole suite installed on a local database
# loaded with the suite's demo data. Idempotent: a second run only starts Odoo
# (the addons are updated only when their files changed).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
setup_all

DB=${IMS_DB:-ims}
ADDONS=$(suite_addons)
STAMP=$REPO/.data/ims-addons-$DB.sha256
mkdir -p "$REPO/.data"
checksum=$(find addons -type f -not -path '*/__pycache__/*' -print0 | sort -z \
    | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)

if ! db_exists "$DB"; then
    log "creating database $DB with demo data and installing: $ADDONS"
    odoo_bin -c .odoo-config -d "$DB" -i "$ADDONS" --stop-after-init --log-level=warn
    echo "$checksum" >"$STAMP"
elif [ "$(cat "$STAMP" 2>/dev/null)" != "$checksum" ]; then
    log "addons changed: installing or updating $ADDONS in $DB"
    odoo_bin -c .odoo-config -d "$DB" -i "$ADDONS" -u "$ADDONS" --stop-after-init --log-level=warn
    echo "$checksum" >"$STAMP"
fi

port=$(sed -n 's/^http_port *= *//p' .odoo-config)
log "Odoo is starting on http://127.0.0.1:${port:-8069}/odoo  (database $DB, login admin, password admin)"
log "stop it with Ctrl+C"
exec "$PY" -m odoo -c .odoo-config -d "$DB" "$@"
