#!/usr/bin/env bash
# Benchmarks the vLLM simulator against its reference, in one run:
#  1. non-streaming throughput against nginx serving a static reply of the same size
#     (the simulator must reach 20% of nginx's requests per second);
#  2. many concurrent streams, round after round, with the server's heap after GC and its
#     resident memory after each round (flat memory: no growth from round to round).
# Usage: benchmarks/simulator.sh [--smoke]
set -euo pipefail
cd "$(dirname "$0")/.."

smoke=false
[ "${1:-}" = "--smoke" ] && smoke=true
if $smoke; then rounds=1; seconds=3; streams=200; stream_rounds=2; stream_tokens=20
else rounds=3; seconds=10; streams=2000; stream_rounds=5; stream_tokens=60; fi

. benchmarks/common.sh
require_tools wrk nginx curl
require_jars vllm-simulator benchmarks

model=meta-llama/Llama-3.1-8B-Instruct
start_simulator() { # port, extra args...
  local port=$1; shift
  java -Xms256m -Xmx1g -jar vllm-simulator/target/vllm-simulator.jar --simulator.host=127.0.0.1 \
    --simulator.port="$port" --logging.level.root=WARN "$@" >"$work/sim-$port.log" 2>&1 &
  pids+=($!)
  wait_ready "http://127.0.0.1:$port/health"
}

echo "== 1. Non-streaming throughput: simulator (fast profile) vs nginx static reply of the same size"
start_simulator 18000
body='{"model":"'$model'","messages":[{"role":"user","content":"Where is the retry policy of the inference proxy configured?"}],"max_tokens":16}'
reply=$(curl -s -m 5 http://127.0.0.1:18000/v1/chat/completions -H 'content-type: application/json' -d "$body")
printf '%s' "$reply" >"$work/reply.json"
start_nginx "  server {
    listen 127.0.0.1:18081;
    location / { default_type application/json; return 200 '$reply'; }
  }"
nginx_size=$(curl -s -m 5 -X POST http://127.0.0.1:18081/v1/chat/completions -d "$body" | wc -c)
cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '$body'
LUA

run_wrk() { # url, seconds -> "rps p50 p99"
  wrk -t2 -c64 -d"$2"s --latency -s "$work/post.lua" "$1" | awk '
    /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /^Requests\/sec:/ {rps=$2}
    /Non-2xx/ {bad=$NF} END {printf "%s %s %s %s\n", rps, p50, p99, (bad==""?0:bad)}'
}
run_wrk http://127.0.0.1:18081/ 2 >/dev/null
run_wrk http://127.0.0.1:18000/v1/chat/completions "$seconds" >/dev/null   # JIT warm-up

printf '%-10s %-6s %12s %10s %10s %8s\n' target round "requests/s" p50 p99 non-2xx
nginx_rps=(); sim_rps=()
for round in $(seq 1 "$rounds"); do
  read -r rps p50 p99 bad < <(run_wrk http://127.0.0.1:18081/ "$seconds")
  printf '%-10s %-6s %12s %10s %10s %8s\n' nginx "$round" "$rps" "$p50" "$p99" "$bad"; nginx_rps+=("$rps")
  read -r rps p50 p99 bad < <(run_wrk http://127.0.0.1:18000/v1/chat/completions "$seconds")
  printf '%-10s %-6s %12s %10s %10s %8s\n' simulator "$round" "$rps" "$p50" "$p99" "$bad"; sim_rps+=("$rps")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
n_med=$(median "${nginx_rps[@]}"); s_med=$(median "${sim_rps[@]}")
ratio=$(awk -v s="$s_med" -v n="$n_med" 'BEGIN {printf "%.3f", s/n}')
echo "reply size: simulator ${#reply} bytes, nginx $nginx_size bytes"
echo "median requests/s: nginx $n_med, simulator $s_med; ratio $ratio (target >= 0.20)"
throughput_ok=$(awk -v r="$ratio" 'BEGIN {print (r >= 0.20) ? "yes" : "no"}')

echo
echo "== 2. $streams concurrent streams x $stream_rounds rounds, $stream_tokens tokens each (50 ms engine steps)"
start_simulator 18001 --simulator.latency.base=50ms --simulator.max-num-seqs=4096 --simulator.num-gpu-blocks=65536
sim_pid=$(pgrep -f -- "--simulator.port=18001" | head -1)
streams_ok=yes
java -jar benchmarks/target/benchmarks.jar http://127.0.0.1:18001 "$sim_pid" "$streams" "$stream_rounds" \
  "$stream_tokens" "$model" || streams_ok=no

echo
if $smoke; then
  echo "streams complete with flat heap: $streams_ok (smoke: the throughput ratio of a cold, 3-second run is not judged)"
else
  echo "throughput target met: $throughput_ok; streams complete with flat heap: $streams_ok"
fi
if $smoke; then [ "$streams_ok" = yes ]; else [ "$throughput_ok" = yes ] && [ "$streams_ok" = yes ]; fi
