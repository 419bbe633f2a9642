#!/usr/bin/env bash
# Failover: three GPU-calibrated simulator replicas behind the proxy, under a steady mix of
# streamed and whole requests; one replica is killed (kill -9) and later restarted on its port.
# Prints, per phase, what the callers got (whole answers, lost requests, streams completed or
# ended with an error event, hung), how long the proxy took to eject the dead replica and to
# take it back, and PASS or FAIL.
# Target (issue #3): no non-streaming request lost, the broken streams end with an error event,
# the dead replica out of service within 2 s, back in service after it returns.
# Usage: benchmarks/failover.sh [--smoke]
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--smoke" ]; then seconds=4; rate=20; else seconds=15; rate=40; fi

. benchmarks/common.sh
require_tools curl
require_jars vllm-simulator inference-proxy benchmarks

model=meta-llama/Llama-3.1-8B-Instruct
java -Xms256m -Xmx512m -jar inference-proxy/target/inference-proxy.jar --proxy.host=127.0.0.1 --proxy.port=18183 \
  --proxy.pools.chat.model=$model \
  --proxy.pools.chat.backends=http://127.0.0.1:18101,http://127.0.0.1:18102,http://127.0.0.1:18103 \
  --logging.level.root=WARN >"$work/proxy.log" 2>&1 &
pids+=($!)

echo "3 replicas (h100-llama-3.1-8b), $rate requests/s (half streamed, 64 tokens each), ${seconds}s a phase;" \
  "replica chat/1 killed at the start of phase 2 and restarted at the start of phase 3"
java -cp benchmarks/target/benchmarks.jar -Dloader.main=dev.devassist.bench.Failover \
  org.springframework.boot.loader.launch.PropertiesLauncher --proxy=http://127.0.0.1:18183 \
  --simulator-jar=vllm-simulator/target/vllm-simulator.jar --ports=18101,18102,18103 --victim=1 \
  --rate="$rate" --phase-seconds="$seconds" --model=$model 2>/dev/null | grep -v WARNING
