#!/usr/bin/env bash
# Search speed of rag-service at about 100,000 chunks (16 variants of CoSQA's 6,267 functions),
# including the query's embedding: one client, then 16, each in a closed loop over CoSQA's 500
# queries. The index is built with the vllm-simulator's embeddings (hash-based, 384 dimensions,
# through the inference proxy), so queries are embedded by the simulator too; the real model's
# cost per query is measured beside it, through the platform's proxy.
# Needs the local platform for PostgreSQL and Redis: ./devassist up -d
# Target (issue #4): p95 <= 30 ms for one client at 100,000 chunks.
# Usage: benchmarks/rag-search.sh [--smoke]   (smoke: one copy, about 6,400 chunks, 3 s runs)
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/common.sh
require_tools curl
require_jars vllm-simulator inference-proxy rag-service benchmarks

copies=16; seconds=30
if [ "${1:-}" = "--smoke" ]; then copies=1; seconds=3; fi
data="${COSQA_DATA:-../shared/data/cosqa}"
wait_ready http://127.0.0.1:8082/actuator/health/readiness

java -Xmx256m -jar vllm-simulator/target/vllm-simulator.jar --simulator.host=127.0.0.1 --simulator.port=18800 \
  --logging.level.root=WARN >"$work/simulator.log" 2>&1 &
pids+=($!)
java -Xmx512m -jar inference-proxy/target/inference-proxy.jar --proxy.host=127.0.0.1 --proxy.port=18883 \
  --proxy.pools.chat.backends=http://127.0.0.1:18800 --proxy.pools.embedding.backends=http://127.0.0.1:18800 \
  --proxy.local-embedding.enabled=false --logging.level.root=WARN >"$work/proxy.log" 2>&1 &
pids+=($!)
wait_ready http://127.0.0.1:18800/health
wait_ready http://127.0.0.1:18883/actuator/health/readiness
java -Xms1g -Xmx2g --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -jar rag-service/target/rag-service.jar --server.port=18882 \
  --spring.datasource.url=jdbc:postgresql://localhost:15432/devassist --spring.datasource.username=postgres \
  --devassist.rag.redis.url=redis://127.0.0.1:16379 --devassist.rag.redis.stream=devassist:rag:search-benchmark \
  --devassist.rag.redis.group=search-benchmark --devassist.rag.embedding.proxy-url=http://127.0.0.1:18883 \
  --devassist.rag.embedding.model=sim-embedding --devassist.rag.data-directory="$work/rag" \
  --devassist.identity.public-key-location="file:.devassist/identity/gateway-dev.pub" \
  --logging.level.root=WARN >"$work/rag.log" 2>&1 &
pids+=($!)
wait_ready http://127.0.0.1:18882/actuator/health/readiness

tenant="search-bench-$(date +%s)"
bench() { # mode, options...
  java -cp benchmarks/target/benchmarks.jar -Dloader.main=dev.devassist.bench.RagBenchmark \
    org.springframework.boot.loader.launch.PropertiesLauncher --data="$data" --url=http://127.0.0.1:18882 \
    --token-command="./devassist token --tenant=$tenant" "$@"
}
bench --mode=load --copies="$copies"
echo
echo "== Search, index built and queried with simulator embeddings (hybrid, limit 10)"
bench --mode=search --seconds="$seconds"

echo
echo "== The real model's share: embedding one query (all-minilm-l6-v2, platform proxy), one client"
printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.headers["x-priority"] = "interactive"\nwrk.body = [[{"model":"all-minilm-l6-v2","input":"python check if a variable is iterable"}]]\n' >"$work/query.lua"
if command -v wrk >/dev/null; then
  wrk -t1 -c1 -d"${seconds}"s --latency -s "$work/query.lua" http://127.0.0.1:8083/v1/embeddings | grep -E "Requests/sec|50%|90%|99%"
fi
