#!/usr/bin/env bash
# Prints the digests Jib reported for the images it just pushed, as a dotenv file for the
# deploy jobs: GATEWAY_DIGEST=sha256:…, and so on.
set -euo pipefail
cd "$(dirname "$0")/.."
for pair in gateway-service:GATEWAY assistant-service:ASSISTANT rag-service:RAG inference-proxy:PROXY vllm-simulator:SIMULATOR; do
  module=${pair%%:*}
  name=${pair##*:}
  file="$module/target/jib-image.digest"
  if [ ! -s "$file" ]; then
    echo "no digest from Jib for $module ($file)" >&2
    exit 1
  fi
  echo "${name}_DIGEST=$(cat "$file")"
done
