#!/usr/bin/env bash
# Copies rag-service's bucket (uploaded files and repository snapshots) from MinIO or any
# S3 store into a folder, or back with --restore, using MinIO's client (mc).
#
#   S3_ENDPOINT=http://minio:9000 S3_ACCESS_KEY=… S3_SECRET_KEY=… S3_BUCKET=devassist-rag \
#     scripts/backup/minio-mirror.sh /backups/minio [--restore]
set -euo pipefail
dir=${1:?usage: minio-mirror.sh <folder> [--restore]}
export MC_HOST_devassist="${S3_ENDPOINT/:\/\//://${S3_ACCESS_KEY:?}:${S3_SECRET_KEY:?}@}"
bucket=${S3_BUCKET:-devassist-rag}
if [ "${2:-}" = "--restore" ]; then
  mc mb --ignore-existing "devassist/$bucket"
  mc mirror --overwrite "$dir" "devassist/$bucket"
else
  mkdir -p "$dir"
  mc mirror --overwrite "devassist/$bucket" "$dir"
fi
