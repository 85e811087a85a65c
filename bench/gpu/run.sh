#!/usr/bin/env bash
# The GPU suite: on a machine with an NVIDIA GPU (no Java, no network needed), unpacks the JRE
# that bench/gpu/build-bundle.sh made, then runs every std op on the cuda engine against the cpu
# engine / float64 references, times the bf16 prefill of gated_delta_rule, gla and simple_gla at
# B=4 T=8192 H=16 K=V=128 and the decode step, and writes results.md, suite.log and the device's
# facts into OUT_DIR.   Usage: bench/gpu/run.sh OUT_DIR
# Without a GPU, LIN_GPU_SUITE_JAVA_OPTS=-Dlin.gpuSuite.dryRun=true checks the bundle (plans, references).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: bench/gpu/run.sh OUT_DIR}
mkdir -p "$out"
bundle=$here/bundle
[ -f "$bundle/jre.tar.xz" ] || { echo "run.sh: $bundle/jre.tar.xz is missing: run bench/gpu/build-bundle.sh first" | tee "$out/suite.log"; exit 1; }
jre=${TMPDIR:-/tmp}/lin-gpu-jre
if [ ! -x "$jre/jre/bin/java" ]; then mkdir -p "$jre" && tar -C "$jre" -xJf "$bundle/jre.tar.xz"; fi
{ nvidia-smi; echo; nvcc --version 2>/dev/null; echo; ls /usr/local/cuda*/lib64/libnvrtc* /usr/local/cuda*/lib64/libcublas* 2>/dev/null; } > "$out/device.txt" 2>&1
"$jre/jre/bin/java" ${LIN_GPU_SUITE_JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -XX:+UseParallelGC \
  -cp "$bundle/lib/*" org.linlang.runtime.gpu.suite.GpuSuite "$out" "$bundle/models"
status=$?
echo "GPU suite finished with status $status; results in $out/results.md"
exit $status
