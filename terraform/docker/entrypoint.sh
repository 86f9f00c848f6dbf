#!/usr/bin/env bash
# The training image's entrypoint: COMMAND [ARGS...] of the shardcast CLI (train, predict, ...).
# - An argument that is an s3:// job file (.yaml/.yml) is copied to a local file first: the CLI
#   reads its job file from local disk; every location inside it may be s3://.
# - On an AWS Batch retry (AWS_BATCH_JOB_ATTEMPT > 1) `train` gets --resume: it continues from the
#   last checkpoint it pushed to S3, or starts fresh when there is none.
set -euo pipefail

if [[ $# -eq 0 || "$1" == --help ]]; then
  exec java -cp "/opt/shardcast/lib/*" dev.shardcast.pipelines.ShardcastCli --help
fi

cmd="$1"
shift
args=()
for a in "$@"; do
  if [[ "$a" == s3://*.yaml || "$a" == s3://*.yml ]]; then
    local_file="/tmp/$(basename "$a")"
    aws s3 cp --only-show-errors "$a" "$local_file"
    args+=("$local_file")
  else
    args+=("$a")
  fi
done
if [[ "$cmd" == train && "${AWS_BATCH_JOB_ATTEMPT:-1}" -gt 1 ]]; then
  args+=(--resume)
fi

# The same JVM defaults as the ./shardcast launcher (see the reasons there): ParallelGC for all; prepare
# and infer-rules C1 only with a 2 GB heap. SHARDCAST_HEAP and SHARDCAST_JAVA_OPTS as there.
# Huge pages as there too (fewer page faults).
case "$cmd" in
  prepare|infer-rules) heap=2g; jit=(-XX:TieredStopAtLevel=1)
    export GLIBC_TUNABLES="glibc.malloc.hugetlb=1:glibc.malloc.arena_max=1${GLIBC_TUNABLES:+:$GLIBC_TUNABLES}" ;;
  *) heap=4g; jit=()
    export GOMP_SPINCOUNT="${GOMP_SPINCOUNT:-10000}" # as in ./shardcast: OpenMP spinning starves the shard reader
    # as in ./shardcast: malloc keeps the reader's freed batch memory instead of page-faulting it back in
    export GLIBC_TUNABLES="glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456${GLIBC_TUNABLES:+:$GLIBC_TUNABLES}" ;;
esac
pages=()
grep -qs '\[madvise\]' /sys/kernel/mm/transparent_hugepage/enabled && pages=(-XX:+UseTransparentHugePages)
read -r -a extra_opts <<< "${SHARDCAST_JAVA_OPTS:-}"
exec java --add-opens=java.base/java.nio=ALL-UNNAMED -Dai.djl.offline=true -Xmx"${SHARDCAST_HEAP:-$heap}" \
  -XX:+UseParallelGC "${jit[@]}" "${pages[@]}" "${extra_opts[@]}" \
  -cp "/opt/shardcast/lib/*" dev.shardcast.pipelines.ShardcastCli "$cmd" "${args[@]}"
