#!/usr/bin/env bash
# Measures what the inference proxy adds over calling the simulator directly, with nginx
# (proxy_pass, upstream keepalive) as the reference proxy, in one run:
#  1. open loop at a fixed arrival rate, non-streaming: p50/p90/p99 latency of direct,
#     nginx and the proxy, and each proxy's overhead over direct;
#  2. the same for streams, to the first content chunk (time to first token);
#  3. saturation: closed-loop throughput of nginx and the proxy with 200 connections.
# Targets (issue #3): overhead at most 3x nginx's at p50 and p99; saturated throughput at
# least 50% of nginx's.
# Usage: benchmarks/proxy-overhead.sh [--smoke]
set -euo pipefail
cd "$(dirname "$0")/.."

smoke=false
[ "${1:-}" = "--smoke" ] && smoke=true
if $smoke; then rate=200; seconds=3; rounds=1; warmup=3; sat_seconds=3
else rate=1000; seconds=15; rounds=3; warmup=30; sat_seconds=10; fi

. benchmarks/common.sh
require_tools wrk nginx curl
require_jars vllm-simulator inference-proxy benchmarks

model=meta-llama/Llama-3.1-8B-Instruct
java -Xms256m -Xmx1g -jar vllm-simulator/target/vllm-simulator.jar --simulator.host=127.0.0.1 \
  --simulator.port=18000 --logging.level.root=WARN >"$work/sim.log" 2>&1 &
pids+=($!)
# The pool's admission limit matches the simulator's batch (max-num-seqs 256), as the README
# advises, so that the proxy forwards what nginx would rather than queueing it.
java -Xms256m -Xmx1g -jar inference-proxy/target/inference-proxy.jar --proxy.port=18083 --proxy.host=127.0.0.1 \
  --proxy.pools.chat.model=$model --proxy.pools.chat.backends=http://127.0.0.1:18000 \
  --proxy.pools.chat.admission.max-in-flight-per-backend=256 \
  --proxy.pools.embedding.model=sim-embedding --proxy.pools.embedding.backends=http://127.0.0.1:18000 \
  --logging.level.root=WARN >"$work/proxy.log" 2>&1 &
pids+=($!)
start_nginx "  upstream simulator { server 127.0.0.1:18000; keepalive 128; }
  server {
    listen 127.0.0.1:18082;
    location / {
      proxy_pass http://simulator;
      proxy_http_version 1.1;
      proxy_set_header Connection \"\";
      proxy_buffering off;
    }
  }"
wait_ready http://127.0.0.1:18000/health
wait_ready http://127.0.0.1:18083/actuator/health/readiness

body='{"model":"'$model'","messages":[{"role":"user","content":"Where is the retry policy of the inference proxy configured?"}],"max_tokens":16}'
stream_body='{"model":"'$model'","messages":[{"role":"user","content":"Where is the retry policy of the inference proxy configured?"}],"max_tokens":16,"stream":true}'
path=/v1/chat/completions
open_loop() { # plain|stream body
  java -cp benchmarks/target/benchmarks.jar -Dloader.main=dev.devassist.bench.OpenLoop \
    org.springframework.boot.loader.launch.PropertiesLauncher "$rate" "$seconds" "$rounds" "$warmup" "$2" "$1" \
    direct=http://127.0.0.1:18000$path nginx=http://127.0.0.1:18082$path proxy=http://127.0.0.1:18083$path \
    2>/dev/null | grep -v WARNING
}

report() { # file, title
  echo
  echo "$2"
  printf '%-12s %5s %8s %7s %9s %9s %9s %9s\n' target round requests errors p50_ms p90_ms p99_ms max_ms
  cat "$1"
  awk '
    { p50[$1]+=$5; p99[$1]+=$7; n[$1]++ }
    END {
      d50=p50["direct"]/n["direct"]; d99=p99["direct"]/n["direct"];
      n50=p50["nginx"]/n["nginx"]-d50; n99=p99["nginx"]/n["nginx"]-d99;
      x50=p50["proxy"]/n["proxy"]-d50; x99=p99["proxy"]/n["proxy"]-d99;
      printf "added over direct (mean of rounds): nginx p50 %.3f ms, p99 %.3f ms; proxy p50 %.3f ms, p99 %.3f ms\n", n50, n99, x50, x99;
      if (n50 > 0) printf "proxy overhead / nginx overhead: p50 %.2fx (target <= 3x)\n", x50/n50;
      if (n99 > 0) printf "proxy overhead / nginx overhead: p99 %.2fx (target <= 3x)\n", x99/n99;
      else printf "p99: nginx adds nothing measurable over direct (%.3f ms), so no ratio; the proxy adds %.3f ms, %.3f ms more than nginx\n", n99, x99, x99 - n99;
    }' "$1"
}

open_loop plain "$body" >"$work/plain.txt"
report "$work/plain.txt" "== 1. Non-streaming, open loop at $rate requests/s, ${seconds}s x $rounds rounds (after ${warmup}s warm-up each)"
open_loop stream "$stream_body" >"$work/stream.txt"
report "$work/stream.txt" "== 2. Streaming, time to first token, open loop at $rate requests/s"

echo
echo "== 3. Saturation: wrk, 200 connections, ${sat_seconds}s"
cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '$body'
LUA
rps() { wrk -t2 -c200 -d"$2"s -s "$work/post.lua" "$1" | awk '/^Requests\/sec:/ {print $2}'; }
rps http://127.0.0.1:18083$path "$sat_seconds" >/dev/null
rps http://127.0.0.1:18082$path 3 >/dev/null
nginx_rps=$(rps http://127.0.0.1:18082$path "$sat_seconds")
proxy_rps=$(rps http://127.0.0.1:18083$path "$sat_seconds")
printf '%-8s %12s\n' target requests/s nginx "$nginx_rps" proxy "$proxy_rps"
awk -v p="$proxy_rps" -v n="$nginx_rps" 'BEGIN {printf "proxy / nginx throughput: %.2f (target >= 0.50)\n", p/n}'
