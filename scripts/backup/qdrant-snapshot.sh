#!/usr/bin/env bash
# Snapshots every Qdrant collection and downloads the snapshots into a folder.
#
#   QDRANT_URL=http://qdrant:6333 QDRANT_API_KEY=… scripts/backup/qdrant-snapshot.sh /backups/qdrant
#
# Restore one into a Qdrant (a new one, or after losing the collection):
#   curl -X POST "$QDRANT_URL/collections/<name>/snapshots/upload?priority=snapshot" \
#        -H "api-key: $QDRANT_API_KEY" -F snapshot=@<file>
# The index can also be rebuilt from the sources instead (rag-service's sync), more slowly.
set -euo pipefail
dir=${1:?usage: qdrant-snapshot.sh <folder>}
url=${QDRANT_URL:?set QDRANT_URL}
auth=(-H "api-key: ${QDRANT_API_KEY:-}")
mkdir -p "$dir"
collections=$(curl -fsS --max-time 30 "${auth[@]}" "$url/collections" | grep -o '"name":"[^"]*"' | cut -d'"' -f4)
for collection in $collections; do
  name=$(curl -fsS --max-time 600 -X POST "${auth[@]}" "$url/collections/$collection/snapshots" \
    | grep -o '"name":"[^"]*"' | head -1 | cut -d'"' -f4)
  curl -fsS --max-time 3600 "${auth[@]}" -o "$dir/$collection-$name" "$url/collections/$collection/snapshots/$name"
  echo "snapshot of $collection: $dir/$collection-$name"
done
