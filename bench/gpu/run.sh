#!/usr/bin/env bash
# The GPU suite: on a machine with an NVIDIA GPU (no Java, no network needed), unpacks the JRE and jars
# that bench/gpu/build-bundle.sh made and runs four parts, each in its own JVM under its own timeout so
# that one hang loses only that part (org.linlang.runtime.gpu.suite.GpuSuite; docs/cuda.md):
#   kernels     every std op on cuda vs cpu/float64, tiny_hybrid's plan, bf16 prefill and decode kernel timings
#   models      every example model whole on cuda vs interp (prefill, session, fresh session)
#   decode      the example hybrids' decode step at d = 1024 on cuda and on the cpu engine
#   references  checkpoints vs transformers' logits (tools/fixtures/make_hf_fixtures.py, run here in the
#               background when python3 has torch and transformers) and vs the numpy fixtures
# and then lin bench --engine cuda on gated_delta_rule and hybrid_gated_deltanet (per-kernel times; skipped in dry runs).
# Writes OUT_DIR/results.md (every part's table, then each part's exit status), suite.log, device.txt and
# hf-fixtures.log. Exit status 0 only when every part ran to the end and every check passed.
#   Usage: bench/gpu/run.sh OUT_DIR
# Without a GPU: LIN_GPU_SUITE_JAVA_OPTS="-Dlin.gpuSuite.dryRun=true [-Dlin.gpuSuite.engine=opencl]".
# LIN_GPU_SUITE_TIME_SCALE multiplies every part's timeout (build-bundle.sh's dry run on 2 cores: 6).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${1:?usage: bench/gpu/run.sh OUT_DIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
bundle=$here/bundle
log=$out/suite.log
for f in jre.tar.xz lib.tar.xz; do
  [ -f "$bundle/$f" ] || { echo "run.sh: $bundle/$f is missing: run bench/gpu/build-bundle.sh first" | tee "$log"; exit 1; }
done
started=$(date +%s)
# Unpacked once per bundle (its checksum names the folder).
sum=$(cat "$bundle/jre.tar.xz" "$bundle/lib.tar.xz" | cksum | cut -d' ' -f1)
home=${TMPDIR:-/tmp}/lin-gpu-$sum
# xz through tar when the machine has it, else Python's lzma (the GPU image's python3 has it).
unpack() {
  if command -v xz >/dev/null 2>&1; then tar -C "$home" -xJf "$1"
  else python3 -c 'import sys, tarfile; t = tarfile.open(sys.argv[1]); t.extractall(sys.argv[2], **({"filter": "fully_trusted"} if hasattr(tarfile, "fully_trusted_filter") else {}))' "$1" "$home"
  fi
}
if [ ! -x "$home/jre/bin/java" ] || [ ! -d "$home/lib" ]; then
  rm -rf "$home" && mkdir -p "$home" && unpack "$bundle/jre.tar.xz" && unpack "$bundle/lib.tar.xz" \
    || { echo "run.sh: could not unpack the bundle into $home" | tee "$log"; exit 1; }
fi
echo "unpacked in $(( $(date +%s) - started )) s into $home" > "$log"
{ nvidia-smi; echo; nvcc --version 2>/dev/null; echo; ls /usr/local/cuda*/lib64/libnvrtc* /usr/local/cuda*/lib64/libcublas* 2>/dev/null; } > "$out/device.txt" 2>&1
export LIN_CACHE_DIR=$home/cache
lib=$home/lib
flags=(-Dpolyglot.engine.userResourceCache="$home/cache/truffle" -Dlin.matmul=vector --sun-misc-unsafe-memory-access=allow
       --add-modules jdk.incubator.vector -XX:+UseParallelGC)
if [ -f "$lib/truffle/compiler.jar" ]; then
  runtime="Truffle optimizing runtime (Graal compiler carried)"
  flags+=(-XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI --upgrade-module-path="$lib/truffle/compiler.jar" --module-path="$lib/truffle"
          --add-modules=org.graalvm.polyglot --enable-native-access=org.graalvm.truffle,ALL-UNNAMED -cp "$lib/app/*")
else
  runtime="Truffle interpreter-only (the Graal compiler is not in the bundle; its warning is silenced)"
  flags+=(-Dpolyglot.engine.WarnInterpreterOnly=false --enable-native-access=ALL-UNNAMED -cp "$lib/app/*:$lib/truffle/*")
fi
echo "$runtime; matrix products on the Java Vector API (-Dlin.matmul=vector: ND4J is not carried)" >> "$log"
scale=${LIN_GPU_SUITE_TIME_SCALE:-1}
status=0
summary=()
# part NAME SECONDS ARGS...: one JVM under a timeout; its rows are in results-NAME.md even when killed.
part() {
  local name=$1 limit=$(( $2 * scale )); shift 2
  local t0=$(date +%s)
  timeout --kill-after=10 "$limit" "$home/jre/bin/java" ${LIN_GPU_SUITE_JAVA_OPTS:-} "${flags[@]}" \
    org.linlang.runtime.gpu.suite.GpuSuite "$out" "$name" "$@" >> "$log" 2>&1
  local rc=$? secs=$(( $(date +%s) - t0 ))
  local what="exit $rc"
  [ $rc -eq 0 ] && what="passed"
  [ $rc -eq 1 ] && what="a check FAILED"
  [ $rc -eq 124 ] || [ $rc -eq 137 ] && what="TIMED OUT after $limit s (rows written before are kept)"
  [ $rc -ne 0 ] && status=1
  summary+=("| $name | $what | $secs s |")
  echo "part $name: $what ($secs s)" | tee -a "$log"
}
# transformers' references, built here in the background while the kernels run (tiny models, on the CPU;
# the fla ones need CUDA and fla, skipped with a line when it is missing).
hf=$out/hf
hfpid=
if python3 -c 'import torch, transformers, safetensors' 2>/dev/null; then
  rm -rf "$hf"
  timeout $(( 200 * scale )) python3 "$repo/tools/fixtures/make_hf_fixtures.py" "$hf" > "$out/hf-fixtures.log" 2>&1 &
  hfpid=$!
else
  echo "python3 has no torch/transformers/safetensors here: transformers' references are not made" | tee "$out/hf-fixtures.log" >> "$log"
fi
part kernels 120 "$bundle/models"
part models 120 "$repo/examples"
part decode 120 "$repo/examples"
refs=("$repo/runtime/src/test/resources/fixtures")
if [ -n "$hfpid" ]; then
  wait "$hfpid"; hfrc=$?
  echo "make_hf_fixtures.py: exit $hfrc" | tee -a "$log"
  [ $hfrc -eq 0 ] || status=1
  [ -d "$hf" ] && refs+=("$hf")
fi
part references 90 "${refs[@]}"
# lin bench --engine cuda: per-kernel times, GB/s and FLOP/s against the copy and cuBLAS ceilings measured in
# the same run (docs/cuda.md, Inspection); the tables go to bench-cuda.md, a failure is a part that failed.
lin_bench() {
  local name=$1 limit=$(( $2 * scale )); shift 2
  local t0=$(date +%s)
  { echo; echo "## lin bench $*"; echo; echo '```'; } >> "$out/bench-cuda.md"
  timeout --kill-after=10 "$limit" "$home/jre/bin/java" "${flags[@]}" org.linlang.runtime.cli.LinCli bench "$@" >> "$out/bench-cuda.md" 2>> "$log"
  local rc=$? secs=$(( $(date +%s) - t0 ))
  echo '```' >> "$out/bench-cuda.md"
  local what="passed"
  [ $rc -ne 0 ] && what="exit $rc" && status=1
  [ $rc -eq 124 ] || [ $rc -eq 137 ] && what="TIMED OUT after $limit s"
  summary+=("| $name | $what | $secs s |")
  echo "part $name: $what ($secs s)" | tee -a "$log"
}
rm -f "$out/bench-cuda.md"
if [ -z "${LIN_GPU_SUITE_JAVA_OPTS:-}" ]; then
  lin_bench "bench gated_delta_rule" 60 --op gated_delta_rule --engine cuda --B 4 --T 4096 --H 16 --repeat 5 --warmup 2
  lin_bench "bench hybrid_gated_deltanet" 60 "$repo/examples/hybrid_gated_deltanet.lin" --engine cuda --T 512 --repeat 5 --warmup 2
fi
{
  echo "# GPU suite"; echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null || echo 'no nvidia-smi'); $runtime;"
  echo "matrix products of the interp and cpu engines on the Java Vector API (ND4J not carried); engine ${LIN_GPU_SUITE_JAVA_OPTS:-cuda}"
  echo; echo "| part | outcome | wall |"; echo "|---|---|---|"; printf '%s\n' "${summary[@]}"
  [ -n "$hfpid" ] && echo "| make_hf_fixtures.py | exit $hfrc | |"
  for p in kernels models decode references; do [ -f "$out/results-$p.md" ] && cat "$out/results-$p.md"; done
  [ -f "$out/bench-cuda.md" ] && { echo; echo "# lin bench --engine cuda"; cat "$out/bench-cuda.md"; }
  echo; echo "Total $(( $(date +%s) - started )) s; suite status $status."
} > "$out/results.md"
echo "GPU suite finished with status $status in $(( $(date +%s) - started )) s; results in $out/results.md" | tee -a "$log"
exit $status
