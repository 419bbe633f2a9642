#!/usr/bin/env bash
# Routing quality: a multi-turn chat workload (users arriving at a fixed rate, several rounds
# each, one long system prompt shared by all and a history growing every round) over four
# simulator replicas in the GPU-calibrated profile (Llama 3.1 8B on an H100), once per routing
# policy, each on fresh replicas so that no policy inherits another's warm caches. Prints each
# policy's time to first token, throughput and the replicas' prefix-cache hit rate, and the
# ratio of each policy's p90 TTFT to round-robin's.
# Target (issue #3): prefix-aware at most half round-robin's p90 TTFT, with a higher hit rate.
# Usage: benchmarks/routing.sh [--smoke]
# Knobs (environment): POLICIES, USERS_PER_SECOND, SECONDS_PER_RUN, WARMUP_SECONDS, ROUNDS, GPU_BLOCKS, SYSTEM_CHARS,
# TURN_CHARS, MAX_TOKENS, THINK_MS.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--smoke" ]; then
  : "${POLICIES:=round-robin prefix-aware}" "${USERS_PER_SECOND:=2}" "${SECONDS_PER_RUN:=4}" "${ROUNDS:=2}"
  : "${WARMUP_SECONDS:=3}"
else
  : "${POLICIES:=round-robin least-outstanding power-of-two kv-aware session-affinity prefix-aware}"
  : "${USERS_PER_SECOND:=3}" "${SECONDS_PER_RUN:=40}" "${ROUNDS:=10}" "${WARMUP_SECONDS:=15}"
fi
: "${GPU_BLOCKS:=4096}" "${SYSTEM_CHARS:=24000}" "${TURN_CHARS:=4000}" "${MAX_TOKENS:=48}" "${THINK_MS:=1000}"

. benchmarks/common.sh
require_tools curl
require_jars vllm-simulator inference-proxy benchmarks

model=meta-llama/Llama-3.1-8B-Instruct
replicas=(18001 18002 18003 18004)

workload() { # extra arguments
  java -cp benchmarks/target/benchmarks.jar -Dloader.main=dev.devassist.bench.ChatWorkload \
    org.springframework.boot.loader.launch.PropertiesLauncher --url=http://127.0.0.1:18083/v1/chat/completions \
    --users-per-second="$USERS_PER_SECOND" --system-chars="$SYSTEM_CHARS" --turn-chars="$TURN_CHARS" \
    --max-tokens="$MAX_TOKENS" --think-ms="$THINK_MS" --model="$model" "$@" 2>/dev/null | grep -v WARNING
}

run_policy() { # policy
  local run_pids=() backends="" metrics=""
  for port in "${replicas[@]}"; do
    java -Xms128m -Xmx512m -XX:TieredStopAtLevel=1 -jar vllm-simulator/target/vllm-simulator.jar \
      --simulator.host=127.0.0.1 --simulator.port="$port" --simulator.profile=h100-llama-3.1-8b \
      --simulator.num-gpu-blocks="$GPU_BLOCKS" --simulator.max-model-len=32768 --logging.level.root=WARN >"$work/sim-$port.log" 2>&1 &
    run_pids+=($!)
    backends+="${backends:+,}http://127.0.0.1:$port"
    metrics+="${metrics:+,}http://127.0.0.1:$port/metrics"
  done
  java -Xms256m -Xmx1g -jar inference-proxy/target/inference-proxy.jar --proxy.port=18083 \
    --proxy.host=127.0.0.1 --proxy.pools.chat.model=$model --proxy.pools.chat.backends="$backends" \
    --proxy.pools.chat.policy="$1" --logging.level.root=WARN >"$work/proxy-$1.log" 2>&1 &
  run_pids+=($!)
  pids+=("${run_pids[@]}")
  for port in "${replicas[@]}"; do wait_ready "http://127.0.0.1:$port/health"; done
  wait_ready http://127.0.0.1:18083/actuator/health/readiness
  # Warm the JVMs with another system prompt, so that no cache starts warm for the measured run.
  workload --label=warm-up --seconds="$WARMUP_SECONDS" --rounds=2 --system-seed=7 --seed=7 >/dev/null
  workload --label="$1" --seconds="$SECONDS_PER_RUN" --rounds="$ROUNDS" --replica-metrics="$metrics" \
    | tee -a "$work/results"
  curl -s -m 5 http://127.0.0.1:18083/actuator/prometheus | grep '^devassist_proxy_routing_decisions_total' \
    | sed 's/^/    /' >"$work/decisions-$1" || true
  kill "${run_pids[@]}" 2>/dev/null || true
  wait "${run_pids[@]}" 2>/dev/null || true
}

echo "4 replicas, h100-llama-3.1-8b, $GPU_BLOCKS KV blocks each; $USERS_PER_SECOND users/s for ${SECONDS_PER_RUN}s," \
  "$ROUNDS rounds, system prompt $SYSTEM_CHARS chars, turns $TURN_CHARS chars, $MAX_TOKENS tokens out, think ${THINK_MS}ms"
printf '%-22s %6s %8s %7s %7s %5s %9s %9s %9s %9s %9s %8s\n' policy users requests ok 429 5xx ttft_p50 \
  ttft_p90 ttft_p99 e2e_p50 out_tok/s hit_rate
: >"$work/results"
for policy in $POLICIES; do run_policy "$policy"; done
echo
awk '$1 == "round-robin" { base = $8 } { p90[NR] = $8; name[NR] = $1 }
  END { if (base > 0) for (i = 1; i <= NR; i++)
    printf "%-18s p90 TTFT vs round-robin: %.2fx\n", name[i], p90[i] / base }' "$work/results"
echo
echo "routing decisions:"
cat "$work"/decisions-* 2>/dev/null || true
# Every turn must have been answered, whatever the policy.
awk '$3 != $4 { print "FAILED: " $1 " answered " $4 " of " $3 " turns"; bad = 1 } END { exit bad }' "$work/results"
