#!/usr/bin/env bash
# Batching in the local embedding pool (ONNX all-MiniLM-L6-v2, in process): 32 concurrent
# closed-loop clients, each sending one text per request, against a proxy with batching on and
# one with it off, for short texts (queries, about 16 tokens) and chunk-sized ones (about 128
# tokens), rounds alternating between the two. Prints requests/s, latency percentiles and the
# average batch size, and the on/off throughput ratio per text size.
# Targets (issue #3): at least 1.5x with short texts, no slower (>= 1.0x) with chunk-sized ones.
# Usage: benchmarks/embedding-batching.sh [--smoke]
# Knobs (environment): WORKERS (model runs at once, default 1), THREADS (ONNX threads per run,
# default 0: one per core); both proxies get the same.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--smoke" ]; then seconds=3; rounds=1; warmup=2; else seconds=15; rounds=3; warmup=10; fi

. benchmarks/common.sh
require_tools wrk curl
require_jars inference-proxy

proxy() { # port, batching
  java -Xms256m -Xmx1g -jar inference-proxy/target/inference-proxy.jar --proxy.host=127.0.0.1 --proxy.port="$1" \
    --proxy.pools.chat.model=unused --proxy.pools.chat.backends=http://127.0.0.1:9 \
    --proxy.local-embedding.batching="$2" --proxy.local-embedding.workers="${WORKERS:-1}" \
    --proxy.local-embedding.threads="${THREADS:-0}" --logging.level.root=WARN >"$work/proxy-$1.log" 2>&1 &
  pids+=($!)
}
proxy 18085 true
proxy 18086 false
wait_ready http://127.0.0.1:18085/actuator/health/readiness
wait_ready http://127.0.0.1:18086/actuator/health/readiness

# shellcheck disable=SC2034 # read through ${!text}
short="How do I configure the retry policy of the inference proxy?"
# shellcheck disable=SC2034
chunk="The inference proxy sits between the services and the model servers. It reads only the model, \
stream and user fields of each request, routes it to a replica of the model's pool, queues it by \
priority band and tenant when every replica is busy, and relays the answer buffer for buffer. A call \
that fails before its first byte is retried on another replica, and a replica that keeps failing is \
taken out of service until a health check passes again. Embeddings for the local model are batched: \
the worker takes every text that waits when it becomes free, up to thirty-two, and runs them as one."

batch_stats() { # port -> "sum count"
  curl -s -m 5 "http://127.0.0.1:$1/actuator/prometheus" \
    | awk '/^devassist_proxy_batch_size_sum\{pool="all-minilm-l6-v2"/ { s = $NF } /^devassist_proxy_batch_size_count\{pool="all-minilm-l6-v2"/ { c = $NF }
      END { print s + 0, c + 0 }'
}

run() { # label, port, text, seconds -> prints a row
  printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [[{"model":"all-minilm-l6-v2","input":"%s"}]]\n' \
    "$3" >"$work/post.lua"
  local before after
  before=$(batch_stats "$2")
  wrk -t2 -c32 -d"$4"s --latency -s "$work/post.lua" "http://127.0.0.1:$2/v1/embeddings" >"$work/wrk.out"
  after=$(batch_stats "$2")
  awk -v label="$1" -v before="$before" -v after="$after" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps = $2 }
    /^ +50%/ { p50 = ms($2) } /^ +90%/ { p90 = ms($2) } /^ +99%/ { p99 = ms($2) }
    /Non-2xx/ { errors = $NF }
    END { split(before, b, " "); split(after, a, " "); n = a[2] - b[2]
      printf "%-16s %10.1f %8.1f %8.1f %8.1f %8d %10.1f\n", label, rps, p50, p90, p99, errors, (n > 0) ? (a[1] - b[1]) / n : 0 }' \
    "$work/wrk.out"
}

for text in short chunk; do run warm-up 18085 "${!text}" "$warmup" >/dev/null; run warm-up 18086 "${!text}" "$warmup" >/dev/null; done
printf '%-16s %10s %8s %8s %8s %8s %10s\n' run texts/s p50_ms p90_ms p99_ms non-2xx avg_batch
: >"$work/results"
for _ in $(seq 1 "$rounds"); do
  for text in short chunk; do
    run "$text-on" 18085 "${!text}" "$seconds" | tee -a "$work/results"
    run "$text-off" 18086 "${!text}" "$seconds" | tee -a "$work/results"
  done
done
echo
awk '{ split($1, k, "-"); sum[k[1] "-" k[2]] += $2; n[k[1] "-" k[2]]++; bad += $6 }
  END { for (t in sum) avg[t] = sum[t] / n[t]
    printf "short texts: batching on/off = %.2fx (target >= 1.5x)\n", avg["short-on"] / avg["short-off"]
    printf "chunk texts: batching on/off = %.2fx (target >= 1.0x)\n", avg["chunk-on"] / avg["chunk-off"]
    if (bad > 0) { print "FAILED: " bad " non-2xx answers"; exit 1 } }' "$work/results"
