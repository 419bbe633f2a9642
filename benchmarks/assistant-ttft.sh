#!/usr/bin/env bash
# Time to first token of assistant-service at 100 concurrent conversations, beside the model
# server's own time to first token at the same concurrency, in one run; and assistant-service's
# memory over the run. Each conversation is a closed loop of distinct questions over SSE, five
# turns a conversation, against a private stack: the simulator (no model time: the fast profile,
# short scripted answers), the inference proxy (its local MiniLM for embeddings), rag-service with
# this repository's rag-service sources indexed, and assistant-service.
# The proxy's ONNX runs use one thread (PROXY_OPTS overrides): on two cores shared by the whole
# stack, ONNX Runtime's pool of spinning threads took CPU the other services needed.
# Needs the local platform for PostgreSQL and Redis: ./devassist up -d
# Target (issue #5): the platform's own time to first token p95 <= 30 ms at 100 conversations;
# memory flat over a 10-minute run.
# Usage: benchmarks/assistant-ttft.sh [--smoke|--soak|--stress] [--users=N --seconds=S --think-ms=MS]
#   (each conversation pauses 1-3 s between an answer and its next question, as a reader
#   would; stress: no pause; smoke: 10 users, 5 s; soak: 600 s; later arguments win)
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/common.sh
require_tools curl
require_jars vllm-simulator inference-proxy rag-service assistant-service benchmarks

users=100; seconds=60; reference=20; think=2000
case "${1:-}" in
  --smoke) users=10; seconds=5; reference=3; shift ;;
  --stress) think=0; shift ;;
  --soak) seconds=600; shift ;;
esac
wait_ready http://127.0.0.1:8082/actuator/health/readiness
key="file:.devassist/identity/gateway-dev.pub"
db=(--spring.datasource.url=jdbc:postgresql://localhost:15432/devassist --spring.datasource.username=postgres)

printf '{"rules":[{"match":"(?s).*","text":"The answer is in the cited file [1]."}]}\n' >"$work/script.json"
java -Xmx256m -jar vllm-simulator/target/vllm-simulator.jar --simulator.host=127.0.0.1 --simulator.port=18900 \
  --simulator.script="$work/script.json" --logging.level.root=WARN >"$work/simulator.log" 2>&1 &
pids+=($!)
java -Xmx512m -jar inference-proxy/target/inference-proxy.jar --proxy.host=127.0.0.1 --proxy.port=18983 \
  --proxy.pools.chat.backends=http://127.0.0.1:18900 --proxy.pools.embedding.backends=http://127.0.0.1:18900 \
  --logging.level.root=WARN ${PROXY_OPTS---proxy.local-embedding.threads=1} >"$work/proxy.log" 2>&1 &
pids+=($!)
wait_ready http://127.0.0.1:18900/health
wait_ready http://127.0.0.1:18983/actuator/health/readiness
java -Xmx1g --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -jar rag-service/target/rag-service.jar \
  --server.port=18982 "${db[@]}" --devassist.rag.redis.url=redis://127.0.0.1:16379 \
  --devassist.rag.redis.stream=devassist:rag:assistant-benchmark --devassist.rag.redis.group=assistant-benchmark \
  --devassist.rag.embedding.proxy-url=http://127.0.0.1:18983 --devassist.rag.data-directory="$work/rag" \
  --devassist.identity.public-key-location="$key" --logging.level.root=WARN >"$work/rag.log" 2>&1 &
pids+=($!)
java -Xmx512m -jar assistant-service/target/assistant-service.jar --server.port=18981 "${db[@]}" \
  --devassist.assistant.redis.url=redis://127.0.0.1:16379 --devassist.assistant.rag.url=http://127.0.0.1:18982 \
  --devassist.assistant.inference.url=http://127.0.0.1:18983 --devassist.identity.public-key-location="$key" \
  --logging.level.root=WARN >"$work/assistant.log" 2>&1 &
assistant=$!
pids+=($assistant)
wait_ready http://127.0.0.1:18982/actuator/health/readiness
wait_ready http://127.0.0.1:18981/actuator/health/readiness

tenant="assistant-bench-$(date +%s)"
java -Xmx512m -cp benchmarks/target/benchmarks.jar -Dloader.main=dev.devassist.bench.AssistantBenchmark \
  org.springframework.boot.loader.launch.PropertiesLauncher --assistant=http://127.0.0.1:18981 \
  --simulator=http://127.0.0.1:18900 --rag=http://127.0.0.1:18982 --corpus=rag-service/src/main \
  --token-command="./devassist token --tenant=$tenant" --users="$users" --seconds="$seconds" \
  --reference-seconds="$reference" --think-ms="$think" --pid="$assistant" "$@"
