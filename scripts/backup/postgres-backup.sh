#!/usr/bin/env bash
# Backs up DevAssist's PostgreSQL database (every service's schema) as one pg_dump archive
# in custom format, and checks that the archive reads back.
#
#   PGHOST=… PGPORT=5432 PGUSER=devassist PGPASSWORD=… PGDATABASE=devassist \
#     scripts/backup/postgres-backup.sh /backups/devassist-$(date -u +%Y%m%dT%H%M%SZ).dump
#
# Use a pg_dump of the server's major version or newer (the chart's CronJob runs the
# server's own image). The archive is written beside its final name and renamed once
# complete, so a half-written file never looks like a backup.
set -euo pipefail
out=${1:?usage: postgres-backup.sh <archive file>}
: "${PGDATABASE:?set PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE}"
mkdir -p "$(dirname "$out")"
pg_dump --format=custom --no-owner --no-privileges --file="$out.partial"
pg_restore --list "$out.partial" > /dev/null
mv "$out.partial" "$out"
echo "backed up $PGDATABASE to $out ($(wc -c < "$out") bytes)"
