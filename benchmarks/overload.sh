#!/usr/bin/env bash
# Overload: one GPU-calibrated simulator replica whose engine runs at most 32 sequences at once
# (max-num-seqs), behind the proxy, whose admission queue holds it to those 32 requests in
# flight (batch work to a quarter of them). In one run:
#  0. capacity: an interactive flood measures how many requests a second the pool answers (C);
#  1. unloaded: interactive requests alone at 0.2 C;
#  2. overload: the same interactive requests plus batch requests at 2.8 C (3 C in all);
#  3. reference: the same overload through a proxy without admission limits, as a plain
#     forwarder would behave.
# Prints each phase's TTFT percentiles, answers, refusals (429, each with Retry-After) and 5xx,
# and the proxy's heap after a full GC before and after the overload.
# Target (issue #3): in phase 2 interactive p99 TTFT within 1.5x of phase 1, batch refused with
# 429 and Retry-After, no 5xx, heap flat.
# Usage: benchmarks/overload.sh [--smoke]
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--smoke" ]; then seconds=3; else seconds=30; fi

. benchmarks/common.sh
require_tools curl
require_jars vllm-simulator inference-proxy benchmarks
command -v jcmd >/dev/null || { echo "jcmd (from the JDK) is required" >&2; exit 2; }

model=meta-llama/Llama-3.1-8B-Instruct
java -Xms128m -Xmx512m -jar vllm-simulator/target/vllm-simulator.jar --simulator.host=127.0.0.1 \
  --simulator.port=18001 --simulator.profile=h100-llama-3.1-8b --simulator.max-num-seqs=32 --logging.level.root=WARN >"$work/sim.log" 2>&1 &
pids+=($!)
proxy() { # port, max in flight per backend
  java -Xms256m -Xmx512m -jar inference-proxy/target/inference-proxy.jar --proxy.host=127.0.0.1 --proxy.port="$1" \
    --proxy.pools.chat.model=$model --proxy.pools.chat.backends=http://127.0.0.1:18001 \
    --proxy.pools.chat.admission.max-in-flight-per-backend="$2" --proxy.pools.chat.admission.batch-share=0.25 \
    --proxy.pools.chat.admission.max-queue=64 --proxy.pools.chat.admission.max-queue-time=5s \
    --logging.level.root=WARN >"$work/proxy-$1.log" 2>&1 &
  pids+=($!)
}
proxy 18083 32
admitting=$!
proxy 18084 100000
wait_ready http://127.0.0.1:18001/health
wait_ready http://127.0.0.1:18083/actuator/health/readiness
wait_ready http://127.0.0.1:18084/actuator/health/readiness

workload() { # port, label, priority, rate, seconds
  java -cp benchmarks/target/benchmarks.jar -Dloader.main=dev.devassist.bench.ChatWorkload \
    org.springframework.boot.loader.launch.PropertiesLauncher --url="http://127.0.0.1:$1/v1/chat/completions" \
    --label="$2" --priority="$3" --tenant="$3-tenant" --users-per-second="$4" --seconds="$5" --rounds=1 \
    --system-chars=0 --turn-chars=400 --max-tokens=48 --think-ms=0 --model=$model --seed="$RANDOM" --warmup-seconds=5 2>/dev/null \
    | grep -v WARNING
}
cpu_busy() { # prints "busy total" jiffies of all CPUs
  awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat
}
interactive_waits() { # port -> "sum_seconds count" of interactive requests' time in the proxy's queue
  curl -s -m 5 "http://127.0.0.1:$1/actuator/prometheus" | awk '/priority="interactive"/ && /outcome="dispatched"/ {
      if ($1 ~ /^inference_extension_flow_control_request_queue_duration_seconds_sum/) s = $NF
      if ($1 ~ /^inference_extension_flow_control_request_queue_duration_seconds_count/) c = $NF }
    END { print s + 0, c + 0 }'
}
heap_mb() { # pid, port
  jcmd "$1" GC.run >/dev/null
  sleep 1
  curl -s -m 5 "http://127.0.0.1:$2/actuator/prometheus" \
    | awk '/^jvm_memory_used_bytes\{.*area="heap"/ { sum += $NF } END { printf "%.1f", sum / 1048576 }'
}

# Warm the JVMs, then measure the pool's capacity with more than it can take.
workload 18083 warm-up interactive 10 "$seconds" >/dev/null
workload 18084 warm-up interactive 10 "$seconds" >/dev/null
capacity_line=$(workload 18083 0-capacity-flood interactive 250 "$seconds")
capacity=$(echo "$capacity_line" | awk -v s="$seconds" '{ printf "%.1f", $4 / s }')
interactive_rate=$(awk -v c="$capacity" 'BEGIN { printf "%.1f", 0.2 * c }')
batch_rate=$(awk -v c="$capacity" 'BEGIN { printf "%.1f", 2.8 * c }')

echo "capacity C = $capacity requests/s (1 replica, h100-llama-3.1-8b, 32 in flight); interactive" \
  "$interactive_rate/s, batch $batch_rate/s; ${seconds}s a phase"
printf '%-22s %6s %8s %7s %7s %5s %9s %9s %9s %9s %9s %8s\n' phase users requests ok 429 5xx ttft_p50 \
  ttft_p90 ttft_p99 e2e_p50 out_tok/s hit_rate
echo "$capacity_line"
heap_before=$(heap_mb "$admitting" 18083)
workload 18083 1-unloaded-interactive interactive "$interactive_rate" "$seconds" | tee "$work/unloaded"
cpu_before=$(cpu_busy)
waits_before=$(interactive_waits 18083)
workload 18083 2-overload-interactive interactive "$interactive_rate" "$seconds" >"$work/interactive" &
load=$!
workload 18083 2-overload-batch batch "$batch_rate" "$seconds" >"$work/batch"
wait "$load"
cpu_after=$(cpu_busy)
waits_after=$(interactive_waits 18083)
cat "$work/interactive" "$work/batch"
heap_after=$(heap_mb "$admitting" 18083)
workload 18084 3-no-admission-inter interactive "$interactive_rate" "$seconds" >"$work/ref-interactive" &
load=$!
workload 18084 3-no-admission-batch batch "$batch_rate" "$seconds" >"$work/ref-batch"
wait "$load"
cat "$work/ref-interactive" "$work/ref-batch"
echo
# p99 TTFT is the fourth field from the end.
p99() { awk '{ print $(NF-3) }' "$1"; }
awk -v a="$(p99 "$work/unloaded")" -v b="$(p99 "$work/interactive")" -v c="$(p99 "$work/ref-interactive")" \
  'BEGIN { printf "interactive p99 TTFT: overload / unloaded = %.2fx (target <= 1.5x); without admission %.2fx\n", b / a, c / a }'
echo "proxy heap after full GC: $heap_before MB before the overload, $heap_after MB after"
echo "during the overload: CPUs busy $(awk -v a="$cpu_before" -v b="$cpu_after" 'BEGIN { split(a, x, " "); split(b, y, " ");
  printf "%.0f%%", 100 * (y[1] - x[1]) / (y[2] - x[2]) }') (load generator, proxy and simulator share them); mean interactive wait in the proxy's queue $(awk -v a="$waits_before" -v b="$waits_after" 'BEGIN { split(a, x, " "); split(b, y, " ");
  printf "%.2f", (y[2] > x[2]) ? 1000 * (y[1] - x[1]) / (y[2] - x[2]) : 0 }') ms"
# Refusals must be 429s with Retry-After, never server errors.
if cat "$work"/unloaded "$work"/interactive "$work"/batch | grep -q 'without Retry-After' ||
  awk '$6 != 0 { bad = 1 } END { exit !bad }' "$work/unloaded" "$work/interactive" "$work/batch"; then
  echo "FAILED: a refusal without Retry-After, or a 5xx, with admission on" >&2
  exit 1
fi
