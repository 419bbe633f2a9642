#!/usr/bin/env bash
# Retrieval quality on CoSQA's dev split (../shared/data/cosqa), through rag-service's API on
# the local platform (./devassist up -d first): ingests the 6,267 functions as files, runs the
# 500 queries with the lexical, dense and hybrid retrievers, sweeps the fusion weight and checks
# the chosen weight on held-out queries. Prints MRR, nDCG@10, Recall@10 and Recall@100.
# Target (issue #4): hybrid nDCG@10 >= 0.62 (dense alone 0.602, BM25 0.367).
# Usage: benchmarks/cosqa.sh [--smoke]   (smoke: the first 40 queries over 600 functions)
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/common.sh
require_tools curl
require_jars benchmarks

data="${COSQA_DATA:-../shared/data/cosqa}"
[ -f "$data/code_idx_map.txt" ] || { echo "no CoSQA data in $data (set COSQA_DATA)" >&2; exit 2; }
url="${RAG_URL:-http://127.0.0.1:8082}"
wait_ready "$url/actuator/health/readiness"

queries=500; corpus=()
if [ "${1:-}" = "--smoke" ]; then queries=40; corpus=(--corpus=600); fi
java -cp benchmarks/target/benchmarks.jar -Dloader.main=dev.devassist.bench.CosqaEvaluation \
  org.springframework.boot.loader.launch.PropertiesLauncher \
  --data="$data" --url="$url" --token-command="./devassist token --tenant=cosqa-eval" --queries="$queries" ${corpus[@]+"${corpus[@]}"}
