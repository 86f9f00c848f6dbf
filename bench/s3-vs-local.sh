#!/usr/bin/env bash
# flights-3m prepare (embedded Flink) into a local folder and into S3 (S3Proxy, filesystem backend,
# on this machine): wall time and bytes written, side by side. Measures and prints; asserts nothing.
# Run from the repository root after a build (mvn -B -DskipTests package; pipelines/target/s3proxy
# holds the S3Proxy jar after `mvn -B test-compile` or any test run):
#   bash bench/s3-vs-local.sh
set -euo pipefail
cd "$(dirname "$0")/.."
jar=pipelines/target/s3proxy/s3proxy.jar
[[ -f $jar ]] || mvn -B -q -pl pipelines -am process-test-resources >/dev/null
work=$(mktemp -d -t shardcast-bench-s3.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work/data/bench"
cat > "$work/s3proxy.properties" <<EOF
s3proxy.endpoint=http://127.0.0.1:$port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=bench
s3proxy.credential=bench-secret
jclouds.provider=filesystem
jclouds.filesystem.basedir=$work/data
EOF
java -Xmx1g -jar "$jar" --properties "$work/s3proxy.properties" > "$work/s3proxy.log" 2>&1 &
proxy=$!
trap 'kill $proxy 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 150); do (echo > /dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.2; done

export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret AWS_REGION=us-east-1
run() { # label, output location, extra --set arguments...
  local label=$1 out=$2; shift 2
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$work/rss" ./shardcast prepare bench/flights-job.yaml --set runner.name=flink \
    --set shards.output="$out" "$@" > "$work/$label.log" 2>&1
  end=$(date +%s.%N)
  printf '%-22s wall %6.1f s   max RSS %5d MB\n' "$label" "$(echo "$end - $start" | bc)" $(( $(cat "$work/rss") / 1024 ))
}
run local "$work/local"
run s3proxy s3://bench/flights --set s3.endpoint=http://127.0.0.1:$port --set s3.path_style=true
printf '%-22s %s bytes in %s files\n' "local folder" "$(find "$work/local" -type f -printf '%s\n' | paste -sd+ | bc)" \
  "$(find "$work/local" -type f | wc -l)"
printf '%-22s %s bytes in %s objects\n' "S3 (S3Proxy)" \
  "$(find "$work/data/bench/flights" -type f -printf '%s\n' | paste -sd+ | bc)" "$(find "$work/data/bench/flights" -type f | wc -l)"
cmp <(cd "$work/local" && find . -path ./quality -prune -o -name '*.parquet' -print0 | sort -z | xargs -0 sha256sum) \
    <(cd "$work/data/bench/flights" && find . -path ./quality -prune -o -name '*.parquet' -print0 | sort -z | xargs -0 sha256sum) \
  && echo "shards: byte-identical" || echo "shards: DIFFER"
