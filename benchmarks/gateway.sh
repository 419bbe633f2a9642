#!/usr/bin/env bash
# What the gateway adds in front of a service, against two references in front of the same
# service, in one run: a vanilla Spring Cloud Gateway route (same versions, Boot defaults with
# actuator, no filters of ours) and nginx as a plain reverse proxy (upstream keepalive). The
# service is nginx answering a fixed 600-byte JSON, so that only the proxies' costs differ.
# The gateway runs as in production: API-key authentication, rate limiting in Redis (limits
# high enough never to refuse), the internal token minted, and the access log written.
#  1. open loop at a fixed arrival rate: p50/p90/p99 of direct, nginx, vanilla and gateway, and
#     each one's latency added over direct;
#  2. saturation: closed-loop throughput of each with 200 connections;
#  3. 2,000 concurrent SSE streams through the gateway (the simulator streaming completions),
#     round after round, with the gateway's heap after a full GC and its RSS.
# Targets (issue #6): throughput >= 80% of vanilla's; added latency <= 1.5x vanilla's at p50 and
# p99; flat memory under 2,000 streams.
# Needs the local platform for PostgreSQL and Redis: ./devassist up -d
# Usage: benchmarks/gateway.sh [--smoke]
set -euo pipefail
cd "$(dirname "$0")/.."

smoke=false
[ "${1:-}" = "--smoke" ] && smoke=true
if $smoke; then rate=100; seconds=2; rounds=1; warmup=2; sat_seconds=2; streams=50; stream_rounds=1
else rate=500; seconds=15; rounds=3; warmup=20; sat_seconds=10; streams=2000; stream_rounds=4; fi

. benchmarks/common.sh
require_tools wrk nginx curl jcmd
require_jars vllm-simulator gateway-service benchmarks
[ -f benchmarks/vanilla-gateway/target/vanilla-gateway.jar ] || ./mvnw -q -B -DskipTests -pl benchmarks/vanilla-gateway package
wait_ready http://127.0.0.1:8080/actuator/health/readiness

answer=$(printf '{"hits":[%s]}' "$(printf '{"path":"src/main/java/Example.java","startLine":10,"endLine":42},%.0s' 1 2 3 4 5 6 7 8 | sed 's/,$//')")
start_nginx "  upstream service { server 127.0.0.1:18091; keepalive 128; }
  server {
    listen 127.0.0.1:18091;
    location / { default_type application/json; return 200 '$answer'; }
  }
  server {
    listen 127.0.0.1:18092;
    location / {
      proxy_pass http://service;
      proxy_http_version 1.1;
      proxy_set_header Connection \"\";
    }
  }"
jvm=(-Xms256m -Xmx512m)
java "${jvm[@]}" -jar benchmarks/vanilla-gateway/target/vanilla-gateway.jar --server.port=18093 \
  --backend.url=http://127.0.0.1:18091 --logging.level.root=WARN >"$work/vanilla.log" 2>&1 &
pids+=($!)
java -Xmx512m -jar vllm-simulator/target/vllm-simulator.jar --simulator.host=127.0.0.1 --simulator.port=18900 \
  --logging.level.root=WARN >"$work/simulator.log" 2>&1 &
pids+=($!)
password=benchmark-admin-password
java "${jvm[@]}" -jar gateway-service/target/gateway-service.jar --server.port=18094 \
  --spring.datasource.url=jdbc:postgresql://localhost:15432/devassist --spring.datasource.username=postgres \
  --spring.flyway.schemas=gateway_bench --spring.flyway.default-schema=gateway_bench \
  --spring.datasource.hikari.schema=gateway_bench --spring.data.redis.port=16379 \
  --devassist.gateway.routes.rag-url=http://127.0.0.1:18091 --devassist.gateway.routes.assistant-url=http://127.0.0.1:18900 \
  --devassist.gateway.signing.private-key-location=file:.devassist/identity/gateway-dev.key \
  --devassist.identity.public-key-location=file:.devassist/identity/gateway-dev.pub \
  --devassist.gateway.bootstrap.admin-password=$password \
  --devassist.gateway.rate-limit.key-rate=1000000 --devassist.gateway.rate-limit.key-burst=1000000 \
  --devassist.gateway.rate-limit.user-rate=1000000 --devassist.gateway.rate-limit.user-burst=1000000 \
  >"$work/gateway.log" 2>&1 &
gateway=$!
pids+=($gateway)
wait_ready http://127.0.0.1:18093/actuator/health
wait_ready http://127.0.0.1:18900/health
wait_ready http://127.0.0.1:18094/actuator/health/readiness

jar="$work/cookies"
curl -s -c "$jar" -b "$jar" -o /dev/null http://127.0.0.1:18094/api/auth/login -H 'content-type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$password\"}"
curl -s -c "$jar" -b "$jar" -o /dev/null http://127.0.0.1:18094/api/auth/csrf
csrf=$(awk '$6 == "XSRF-TOKEN" {print $7}' "$jar")
key=$(curl -s -c "$jar" -b "$jar" http://127.0.0.1:18094/api/keys -H 'content-type: application/json' \
  -H "X-XSRF-TOKEN: $csrf" -d '{"name":"benchmark","scopes":["search","chat"],"expiresInDays":1}' \
  | sed -n 's/.*"secret":"\([^"]*\)".*/\1/p')
[ -n "$key" ] || { echo "could not create an API key at the gateway" >&2; exit 1; }

body='{"query":"where is the retry policy of the inference proxy configured","limit":8}'
path=/api/search
echo "== 1. Open loop at $rate requests/s, ${seconds}s x $rounds rounds (after ${warmup}s warm-up each); POST $path"
printf '%-12s %5s %8s %7s %9s %9s %9s %9s\n' target round requests errors p50_ms p90_ms p99_ms max_ms
java -Dheader.Authorization="Bearer $key" -cp benchmarks/target/benchmarks.jar -Dloader.main=dev.devassist.bench.OpenLoop \
  org.springframework.boot.loader.launch.PropertiesLauncher "$rate" "$seconds" "$rounds" "$warmup" "$body" plain \
  direct=http://127.0.0.1:18091$path nginx=http://127.0.0.1:18092$path vanilla=http://127.0.0.1:18093$path \
  gateway=http://127.0.0.1:18094$path 2>/dev/null | grep -v WARNING | tee "$work/open.txt"
awk '
  { p50[$1]+=$5; p99[$1]+=$7; n[$1]++ }
  END {
    d50=p50["direct"]/n["direct"]; d99=p99["direct"]/n["direct"];
    split("nginx vanilla gateway", names, " ");
    for (i = 1; i <= 3; i++) { t=names[i]; a50[t]=p50[t]/n[t]-d50; a99[t]=p99[t]/n[t]-d99;
      printf "%-8s added over direct (mean of rounds): p50 %.3f ms, p99 %.3f ms\n", t, a50[t], a99[t] }
    if (a50["vanilla"] > 0) printf "gateway / vanilla added latency: p50 %.2fx (target <= 1.5x)\n", a50["gateway"]/a50["vanilla"];
    if (a99["vanilla"] > 0) printf "gateway / vanilla added latency: p99 %.2fx (target <= 1.5x)\n", a99["gateway"]/a99["vanilla"];
    if (a50["nginx"] > 0) printf "gateway / nginx added latency: p50 %.2fx, p99 %.2fx\n", a50["gateway"]/a50["nginx"], (a99["nginx"] > 0) ? a99["gateway"]/a99["nginx"] : 0;
  }' "$work/open.txt"

echo
echo "== 2. Saturation: wrk, 200 connections, ${sat_seconds}s each (after a warm-up)"
cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $key"
wrk.body = '$body'
LUA
rps() { wrk -t2 -c200 -d"$2"s -s "$work/post.lua" "$1" | awk '/^Requests\/sec:/ {print $2} /Non-2xx/ {print "non-2xx: " $0 > "/dev/stderr"}'; }
for port in 18092 18093 18094; do rps http://127.0.0.1:$port$path 3 >/dev/null; done
nginx_rps=$(rps http://127.0.0.1:18092$path "$sat_seconds")
vanilla_rps=$(rps http://127.0.0.1:18093$path "$sat_seconds")
gateway_rps=$(rps http://127.0.0.1:18094$path "$sat_seconds")
printf '%-8s %12s\n' target requests/s nginx "$nginx_rps" vanilla "$vanilla_rps" gateway "$gateway_rps"
awk -v g="$gateway_rps" -v v="$vanilla_rps" -v n="$nginx_rps" \
  'BEGIN {printf "gateway / vanilla throughput: %.2f (target >= 0.80); gateway / nginx: %.2f; vanilla / nginx: %.2f\n", g/v, g/n, v/n}'

echo
echo "== 3. $streams concurrent SSE streams through the gateway, $stream_rounds rounds (simulator completions, 32 tokens)"
java -Dheader.Authorization="Bearer $key" -cp benchmarks/target/benchmarks.jar -Dloader.main=dev.devassist.bench.StreamSoak \
  org.springframework.boot.loader.launch.PropertiesLauncher http://127.0.0.1:18094 "$gateway" "$streams" \
  "$stream_rounds" 32 meta-llama/Llama-3.1-8B-Instruct 2>&1 | grep -v WARNING
