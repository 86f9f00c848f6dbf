#!/usr/bin/env bash
# The CUDA check, on a GPU machine that has PyTorch's libraries but no JVM and no network (the device
# tool's H200): builds DJL 0.32.0's JNI library against that libtorch, then (1) compares the compact
# reader's batches gathered on the GPU with the same batches filled on the host, and times both
# loaders (GatherCheck), (2) trains the demo on the GPU and on that machine's CPU, same command but
# train.device. Needs .gpu/ from bench/gpu/bundle.py. Output lines start with "==" and go to $OUT too.
#   bash bench/gpu/check.sh [EPOCHS]
set -uo pipefail
B=$PWD/.gpu
W=${GPU_WORK:-${TMPDIR:-/tmp}/shardcast-gpu}  # kept between calls on a warm machine: the JRE and the JNI build
OUT=${OUT:-$W/out}
CUDA_HOME=${CUDA_HOME:-/usr/local/cuda}
mkdir -p "$W" "$OUT"
exec > >(tee "$OUT/check.log") 2>&1
say() { echo "== $*"; }
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
TORCH=${TORCH_DIR:-$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))')}
say "libtorch $(python3 -c 'import torch;print(torch.__version__)') at $TORCH"
[ -x "$W/jre/bin/java" ] || tar -xJf "$B/jre.tar.xz" -C "$W"
JNI="$TORCH/lib/0.32.0-libdjl_torch.so"
if [ ! -f "$JNI" ]; then
  mkdir -p "$W/obj"
  flags="-O2 -std=c++17 -fPIC -D_GLIBCXX_USE_CXX11_ABI=1 -DUSE_CUDA -I$B/djl-native/include -I$B/djl-native/jni"
  flags="$flags -I$B/djl-native/utils -I$TORCH/include -I$TORCH/include/torch/csrc/api/include -I$CUDA_HOME/include"
  t0=$(date +%s)
  pids=()
  for f in "$B"/djl-native/src/*.cc; do
    o="$W/obj/$(basename "$f" .cc)"
    (g++ $flags -c "$f" -o "$o.o" 2> "$o.err" || { echo "FAILED $f"; grep -m 12 "error" "$o.err"; }) &
    pids+=($!)
  done
  wait "${pids[@]}" # not a bare wait: that also waits for the tee above, which never ends
  g++ -shared -o "$JNI" "$W"/obj/*.o -L"$TORCH/lib" -ltorch -ltorch_cpu -ltorch_cuda -lc10 -lc10_cuda \
    -Wl,-rpath,'$ORIGIN' || { say "JNI link failed"; exit 1; }
  say "JNI built against libtorch in $(( $(date +%s) - t0 )) s"
fi
mkdir -p "$W/native/arrow_dataset_jni/x86_64"
[ -f "$W/arrow-native.jar" ] || { xz -dc "$B/libarrow_dataset_jni.so.xz" > "$W/native/arrow_dataset_jni/x86_64/libarrow_dataset_jni.so" \
  && (cd "$W/native" && python3 -c "import zipfile; zipfile.ZipFile('$W/arrow-native.jar','w').write('arrow_dataset_jni/x86_64/libarrow_dataset_jni.so')"); }
export PYTORCH_LIBRARY_PATH="$TORCH/lib" PYTORCH_VERSION=${PYTORCH_VERSION:-2.11.0} PYTORCH_FLAVOR=${PYTORCH_FLAVOR:-cu130}
export DJL_CACHE_DIR="$W/djl" GOMP_SPINCOUNT=10000
export GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456
java=("$W/jre/bin/java" --add-opens=java.base/java.nio=ALL-UNNAMED -Dai.djl.offline=true -Xmx16g -XX:+UseParallelGC
  -cp "$B/app.jar:$W/arrow-native.jar")
say "gather check"
"${java[@]}" GatherCheck "$B/demo-shards" 20 2>&1 | grep -v " INFO \| WARN "
for device in gpu cpu; do
  rm -rf "$W/demo-$device" && cp -r "$B/demo-shards" "$W/demo-$device"
  t0=$(date +%s.%N)
  "${java[@]}" dev.shardcast.pipelines.ShardcastCli train examples/txhousing/job.yaml --set shards.output="$W/demo-$device" \
    --set train.device=$device "$@" 2>&1 | grep -v " INFO \| WARN " | tail -12
  say "train on $device: $(python3 -c "print(round($(date +%s.%N) - $t0, 1))") s"
  python3 - "$W/demo-$device/model/run.jsonl" <<'PY'
import json, sys
e = [json.loads(l) for l in open(sys.argv[1])]
ep = [x for x in e if x.get("event") == "epoch"]
start = next((x for x in e if x.get("event") == "run_start"), {})
print("== device", start.get("device"), "epochs", len(ep), "mean s/epoch %.3f" % (sum(x["seconds"] for x in ep) / max(1, len(ep))),
      "data wait %.2f %%" % (100 * sum(x["data_wait_fraction"] for x in ep) / max(1, len(ep))),
      "windows/s median", sorted(int(x.get("windows_per_s", 0)) for x in ep)[len(ep) // 2] if ep else 0)
PY
  cp "$W/demo-$device/model/metrics.json" "$OUT/metrics-$device.json" 2>/dev/null
  cp "$W/demo-$device/model/run.jsonl" "$OUT/run-$device.jsonl" 2>/dev/null
done
