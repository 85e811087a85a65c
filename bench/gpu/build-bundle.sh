#!/usr/bin/env bash
# Builds what the GPU suite carries to a GPU machine that has no Java and no network:
#   bench/gpu/bundle/jre.tar.xz   a jlinked Temurin 25 runtime (the modules Lin and Truffle need, JVMCI included)
#   bench/gpu/bundle/lib.tar.xz   lib/app: Lin's jars and the few libraries the suite loads;
#                                 lib/truffle: polyglot, truffle-api, truffle-runtime and, while the bundle
#                                 stays under 60 MB, the Graal compiler (else Truffle runs interpreter-only)
#   bench/gpu/bundle/models/      tiny_hybrid's weights, ids and the interpreter's logits
# ND4J (its native library is 300 MB) is not carried: the suite runs matrix products on the Java Vector
# API (-Dlin.matmul=vector). The folder is git-ignored; carry it to the device machine (bench/gpu/DEVICE.md).
# Ends with a dry run of every part on the jlinked runtime, the whole-model parts on PoCL (opencl):
# 15 minutes on 2 busy cores; `build-bundle.sh --no-dry-run` skips it (the bundle is then unchecked).
set -euo pipefail
dry_run=yes
[ "${1:-}" = "--no-dry-run" ] && dry_run=no
cd "$(dirname "$0")/../.."
out=bench/gpu/bundle
jdk=${JDK25:-$(ls -d /usr/lib/jvm/temurin-25* 2>/dev/null | head -1)}
[ -x "$jdk/bin/jlink" ] || { echo "build-bundle: no JDK 25 with jlink (set JDK25)"; exit 1; }
export MAVEN_OPTS="${MAVEN_OPTS:-}"
mvn -o -q -B install -DskipTests
rm -rf "$out" && mkdir -p "$out/models"
stage=$(mktemp -d)
mkdir -p "$stage/lib/app" "$stage/lib/truffle"
app=runtime/target/lib/app
for j in lin-grammar lin-stdlib lin-compiler antlr4-runtime picocli jocl; do cp "$app/$j.jar" "$stage/lib/app/"; done
cp runtime/target/lin-runtime.jar "$stage/lib/app/"
cp runtime/target/lib/truffle/*.jar "$stage/lib/truffle/"
# The example model's reference: weights, token ids and the interpreter's logits (a small instance),
# which the suite compares with the cuda engine's prefill of the same plan.
cp examples/tiny_hybrid.lin "$out/models/"
script=$(mktemp --suffix=.lin)
sed '/^let /,$d' examples/tiny_hybrid.lin > "$script"
cat >> "$script" <<LIN
let m = TinyHybrid(vocab = 64, d = 32, layers = 4, heads = 2)
let ids = (rand([2, 70], seed = 1) * 64.0) as i64
m.save("$PWD/$out/models/tiny_hybrid.weights.safetensors")
save("$PWD/$out/models/tiny_hybrid.io.safetensors", ids = ids, logits = m(ids))
LIN
./lin run "$script"
rm -f "$script"
"$jdk/bin/jlink" --add-modules java.base,java.logging,java.management,jdk.management,jdk.unsupported,java.sql,jdk.incubator.vector,jdk.internal.vm.ci,jdk.jfr \
  --compress zip-0 --strip-debug --no-header-files --no-man-pages --output "$stage/jre"
tar -C "$stage" -cf - jre | xz -T2 -6 > "$out/jre.tar.xz"
tar -C "$stage" -cf - lib | xz -T2 -6 > "$out/lib.tar.xz"
limit=$((60 * 1000 * 1000))
if [ "$(du -cb "$out" | tail -1 | cut -f1)" -gt "$limit" ]; then
  echo "build-bundle: over 60 MB with the Graal compiler: Truffle will run interpreter-only on the GPU machine"
  rm "$stage/lib/truffle/compiler.jar"
  tar -C "$stage" -cf - lib | xz -T2 -6 > "$out/lib.tar.xz"
fi
rm -rf "$stage"
du -sh "$out" "$out"/jre.tar.xz "$out"/lib.tar.xz "$out"/models
# Check the bundle without a GPU: every part on the jlinked runtime, the whole-model parts on PoCL.
[ "$dry_run" = yes ] || { echo "build-bundle: no dry run (--no-dry-run)"; exit 0; }
dry=$(mktemp -d)
LIN_GPU_SUITE_TIME_SCALE=6 LIN_GPU_SUITE_JAVA_OPTS="-Dlin.gpuSuite.dryRun=true -Dlin.gpuSuite.engine=opencl" bench/gpu/run.sh "$dry" > "$dry/dry.log" 2>&1 \
  || { cat "$dry/dry.log"; echo "build-bundle: the dry run failed (its table: $dry/results.md)"; exit 1; }
grep '^part ' "$dry/suite.log" | grep -v 'started'
tail -1 "$dry/dry.log"
rm -rf "$dry"
