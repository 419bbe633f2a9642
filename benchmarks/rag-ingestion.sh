#!/usr/bin/env bash
# Ingestion throughput of rag-service against the embedding model's raw throughput, in one run:
# N CoSQA functions are embedded straight through the inference proxy (32 texts a call, 3 calls
# in flight), then uploaded and ingested through rag-service's API (parse, chunk, store, embed,
# index, record), then embedded raw again. Prints chunks/s of each and the ratio.
# Needs the local platform: ./devassist up -d (rag-service on 8082, the proxy's local model on 8083).
# Target (issue #4): ingestion >= 80% of raw.
# Usage: benchmarks/rag-ingestion.sh [--smoke]   (smoke: 100 functions; full: 1,000)
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/common.sh
require_tools curl
require_jars benchmarks

files=1000
if [ "${1:-}" = "--smoke" ]; then files=100; fi
wait_ready http://127.0.0.1:8082/actuator/health/readiness
java -cp benchmarks/target/benchmarks.jar -Dloader.main=dev.devassist.bench.RagBenchmark \
  org.springframework.boot.loader.launch.PropertiesLauncher --mode=ingest --data="${COSQA_DATA:-../shared/data/cosqa}" \
  --url=http://127.0.0.1:8082 --proxy=http://127.0.0.1:8083 --files="$files" \
  --token-command="./devassist token --tenant=ingest-bench"
