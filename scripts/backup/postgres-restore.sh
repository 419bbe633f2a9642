#!/usr/bin/env bash
# Restores a postgres-backup.sh archive into a database, in one transaction: it either
# restores whole or changes nothing. The target should be empty (a fresh instance or a new
# database); with --clean, what the archive holds is dropped first.
#
#   PGHOST=… PGUSER=… PGPASSWORD=… PGDATABASE=devassist scripts/backup/postgres-restore.sh <archive> [--clean]
#
# Stop the services (or scale them to zero) first, and start them after: Flyway sees the
# restored schema history and migrates on from there.
set -euo pipefail
archive=${1:?usage: postgres-restore.sh <archive file> [--clean]}
: "${PGDATABASE:?set PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE}"
clean=()
if [ "${2:-}" = "--clean" ]; then
  clean=(--clean --if-exists)
fi
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction "${clean[@]}" \
  --dbname="$PGDATABASE" "$archive"
echo "restored $archive into $PGDATABASE"
