#!/usr/bin/env bash
# generate_tiny.sh — lin generate on the tiny Llama fixture: prefill and decode tokens/s on the interp
# engine, with the KV caches of a session (one token per decode step).
#
#   bench/generate_tiny.sh [--runs 3] [--max-tokens 64]
#
# Each run is a fresh `./lin generate` process (so its prefill includes the JIT warm-up of the first
# forward); the last line of each run is Lin's own statistics line. Needs a JDK >= 25 and Maven (./lin builds).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
RUNS=3 MAX=64
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --max-tokens) MAX="$2"; shift 2 ;;
    *) echo "usage: bench/generate_tiny.sh [--runs N] [--max-tokens N]" >&2; exit 2 ;;
  esac
done
echo "# $(date -u +%FT%TZ) $(uname -m), $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq "$RUNS"); do
  ./lin generate runtime/src/test/resources/fixtures/tiny_llama --prompt "the cat sat on the mat" \
      --max-tokens "$MAX" --ignore-eos 2>&1 >/dev/null | tail -1
done
