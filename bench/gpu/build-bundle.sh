#!/usr/bin/env bash
# Builds what the GPU suite carries to a GPU machine that has no Java and no network:
#   bench/gpu/bundle/jre.tar.xz   a jlinked Temurin 25 runtime (the modules Lin's GPU path needs)
#   bench/gpu/bundle/lib/*.jar    Lin's jars and the few libraries the suite loads
# The folder is git-ignored; pass it to the device machine with the working tree (e.g. carry it).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=bench/gpu/bundle
jdk=${JDK25:-$(ls -d /usr/lib/jvm/temurin-25* 2>/dev/null | head -1)}
[ -x "$jdk/bin/jlink" ] || { echo "build-bundle: no JDK 25 with jlink (set JDK25)"; exit 1; }
export MAVEN_OPTS="${MAVEN_OPTS:-}"
mvn -o -q -B install -DskipTests
rm -rf "$out" && mkdir -p "$out/lib"
app=runtime/target/lib/app
for j in lin-grammar lin-stdlib lin-compiler antlr4-runtime picocli; do cp "$app/$j.jar" "$out/lib/"; done
cp runtime/target/lin-runtime.jar "$out/lib/"
# The example model's reference: weights, token ids and the interpreter's logits (a small instance),
# which the suite compares with the cuda engine's prefill of the same plan.
mkdir -p "$out/models"
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
tmp=$(mktemp -d)
"$jdk/bin/jlink" --add-modules java.base,java.logging,java.management,jdk.management,jdk.unsupported,java.sql,jdk.incubator.vector \
  --compress zip-9 --strip-debug --no-header-files --no-man-pages --output "$tmp/jre"
tar -C "$tmp" -cJf "$out/jre.tar.xz" jre
rm -rf "$tmp"
du -sh "$out" "$out"/jre.tar.xz "$out"/lib
# Check the bundle without a GPU: plans, kernel sources and references on the jlinked runtime.
dry=$(mktemp -d)
LIN_GPU_SUITE_JAVA_OPTS=-Dlin.gpuSuite.dryRun=true bench/gpu/run.sh "$dry" > "$dry/dry.log" 2>&1 || { cat "$dry/dry.log"; echo "build-bundle: the dry run failed"; exit 1; }
tail -1 "$dry/suite.log"
rm -rf "$dry"
