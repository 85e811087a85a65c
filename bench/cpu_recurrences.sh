#!/usr/bin/env bash
# cpu_recurrences.sh — speeds of the cpu engine's recurrence kernels against the numpy baseline.
#
#   bench/cpu_recurrences.sh [--rounds 3] [--T 4096] [--H 4] [--repeat 7] [--chunk 64]
#
# The machine may be shared with other jobs, so the prefill comparison is interleaved. Each of the
# --rounds rounds runs
#   1. org.linlang.runtime.cpu.CpuRecurrencesBench --part prefill (runtime/src/test/java): chunked
#      Gated DeltaNet and GLA prefill at B=1 T=4096 H=4 K=V=128 f32, median and min of --repeat runs
#      after warm-up, in a JVM started with the same flags as the tests (runtime/pom.xml's
#      lin.jvm.flags);
#   2. ../shared/baselines/numpy_chunked.py next to the checkout (override with NUMPY_BASELINE) --op gated_delta_rule,
#      then --op gla, at the same shape (each prints the median of --repeat runs).
# Then one run of --part rest: short prefills in both forms, the decode step at B=1 H=16 K=V=128
# against one copy of the state's bytes, chunk-sized products (Vector API kernel against OpenBLAS
# sgemm) and ND4J's sgemm at 4096^3 (the practical ceiling).
# Prints every `key value` line (also kept in runtime/target/bench-cpu-recurrences.txt), then a
# summary table: for each side, the median over rounds of the per-round medians, and the best
# per-round median. OPENBLAS_CORETYPE is passed through as it is in the environment (OpenBLAS, in
# numpy and in ND4J, picks its kernels by it); the header says which value was in effect.
# Needs Maven, a JDK >= 25 and python3 with numpy.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
BASELINE="${NUMPY_BASELINE:-$ROOT/../shared/baselines/numpy_chunked.py}"
T=4096 H=4 REPEAT=7 ROUNDS=3
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --T) T="$2"; args+=("$1" "$2"); shift 2 ;;
    --H) H="$2"; args+=("$1" "$2"); shift 2 ;;
    --repeat) REPEAT="$2"; args+=("$1" "$2"); shift 2 ;;
    --chunk) args+=("$1" "$2"); shift 2 ;;
    *) echo "cpu_recurrences.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

# A JDK >= 25: LIN_JAVA_HOME, JAVA_HOME, or the newest under /usr/lib/jvm.
major() { sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null | head -n 1; }
JAVA=""
for home in "${LIN_JAVA_HOME:-}" "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/* 2>/dev/null | sort -rV); do
  [ -n "$home" ] && [ -x "$home/bin/java" ] || continue
  m="$(major "$home")"
  if [ -n "$m" ] && [ "$m" -ge 25 ]; then JAVA="$home/bin/java"; break; fi
done
[ -n "$JAVA" ] || { echo "cpu_recurrences.sh: no JDK >= 25 found (set LIN_JAVA_HOME)" >&2; exit 2; }

# Test classes and runtime/target/lib/truffle (copied at process-test-classes), then the class path.
mvn -o -q -B -pl runtime test-compile
CP_FILE="$ROOT/runtime/target/bench-classpath.txt"
mvn -o -q -B -pl runtime dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" >/dev/null
# The Graal/Truffle jars go on the module path (the flags below), never on the class path.
DEPS="$(tr ':' '\n' < "$CP_FILE" | grep -v '/org/graalvm/' | paste -sd: -)"
CP="$ROOT/runtime/target/test-classes:$ROOT/runtime/target/classes:$DEPS"

TRUFFLE_DIR="$ROOT/runtime/target/lib/truffle"
FLAGS="$(sed -n 's:.*<lin.jvm.flags>\(.*\)</lin.jvm.flags>.*:\1:p' runtime/pom.xml)"
FLAGS="${FLAGS//\$\{lin.truffle.dir\}/$TRUFFLE_DIR}"
CACHE="$ROOT/.lin/cache"
OUT="$ROOT/runtime/target/bench-cpu-recurrences.txt"
: > "$OUT"

bench() {
  # shellcheck disable=SC2086
  "$JAVA" $FLAGS -Dorg.bytedeco.javacpp.cachedir="$CACHE/javacpp" -Dpolyglot.engine.userResourceCache="$CACHE/truffle" \
    -cp "$CP" org.linlang.runtime.cpu.CpuRecurrencesBench "$@" 2>/dev/null
}
numpy() {
  python3 "$BASELINE" --op "$1" --T "$T" --H "$H" --repeat "$REPEAT" | tail -n 1 | sed -n 's/.*median \([0-9.]*\) s.*/\1/p'
}
load() { cut -d' ' -f1-3 /proc/loadavg; }

{
  echo "# machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), load average $(load)"
  echo "# date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "# java: $JAVA"
  echo "# OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE-<unset>}"
} | tee -a "$OUT"
for round in $(seq 1 "$ROUNDS"); do
  bench --part prefill ${args[@]+"${args[@]}"} | sed "s/^prefill\./round$round.prefill./" | tee -a "$OUT"
  echo "round$round.numpy.gated_delta_rule.seconds $(numpy gated_delta_rule)" | tee -a "$OUT"
  echo "round$round.numpy.gla.seconds $(numpy gla)" | tee -a "$OUT"
  echo "# load average after round $round: $(load)" | tee -a "$OUT"
done
bench --part rest ${args[@]+"${args[@]}"} | tee -a "$OUT"
echo "# load average at the end: $(load)" | tee -a "$OUT"

python3 - "$OUT" "$ROUNDS" "$H" <<'PY'
import statistics, sys
vals = {}
for line in open(sys.argv[1]):
    parts = line.split(None, 1)
    if len(parts) == 2 and not line.startswith("#"):
        vals[parts[0]] = parts[1].strip()
f = lambda k: float(vals[k])
rounds = int(sys.argv[2])
per = lambda key: [f(f"round{r}.{key}") for r in range(1, rounds + 1)]
print()
print("| figure | Lin cpu (median of rounds / best round) | reference (median / best) | ratio (median / best) |")
print("|---|---|---|---|")
for op in ("gated_delta_rule", "gla"):
    lin, ref = per(f"prefill.{op}.seconds"), per(f"numpy.{op}.seconds")
    model = f(f"model.gflop.{op}")
    lm, lb, nm, nb = statistics.median(lin), min(lin), statistics.median(ref), min(ref)
    print(f"| prefill {op} | {lm*1e3:.1f} / {lb*1e3:.1f} ms ({model/lm:.0f} / {model/lb:.0f} GFLOP/s) "
          f"| numpy {nm*1e3:.1f} / {nb*1e3:.1f} ms ({model/nm:.0f} / {model/nb:.0f} GFLOP/s) | {nm/lm:.2f}x / {nb/lb:.2f}x faster |")
c = f("decode.copy.seconds")
for op in ("gated_delta_rule", "gla"):
    s = f(f"decode.{op}.seconds")
    print(f"| decode step {op} | {s*1e6:.1f} us | copy of the state {c*1e6:.1f} us | {s/c:.2f}x the copy |")
print(f"| ND4J sgemm 4096^3 (the ceiling) | | {f('nd4j.sgemm4096.gflops'):.0f} GFLOP/s | |")
for key in sorted(k for k in vals if k.startswith("gemm.") and k.endswith(".vector.gflops")):
    shape = key[len("gemm."):-len(".vector.gflops")]
    vec, blas = f(key), f(key.replace(".vector.", ".openblas."))
    print(f"| chunk product {shape} (m x k x n) | Vector API {vec:.0f} GFLOP/s (1 thread) | OpenBLAS sgemm {blas:.0f} GFLOP/s | {vec/blas:.1f}x |")
for n in (16, 64, 256):
    if f"short.T{n}.sequential.seconds" in vals:
        sq, ch = f(f"short.T{n}.sequential.seconds"), f(f"short.T{n}.chunked.seconds")
        print(f"| gated_delta_rule prefill T={n} H={sys.argv[3]} | sequential {sq*1e3:.2f} ms | chunked {ch*1e3:.2f} ms | |")
PY
