#!/usr/bin/env bash
# Fuzzes the four parsers of issue #14 point 2 (docs/reliability.md), one after the other, each for
# the maxDuration of its @FuzzTest (60 s): Jazzer fuzzes one fuzz test per JVM. A finding fails the
# run and leaves crash-<sha1> in the test's Inputs folder under transforms/src/test/resources: fix
# the code, rename the file to say what it is, and commit it; plain `mvn test` then replays it.
# Usage: scripts/fuzz.sh [TestClass ...]   (default: all four; about 6 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(CsvSourceFuzzTest TimestampParserFuzzTest ConfigLoaderFuzzTest RuleSetFuzzTest)
fi
for t in "${targets[@]}"; do
  echo "== fuzzing $t"
  JAZZER_FUZZ=1 mvn -B -o -pl transforms test -Dtest="$t" -Dsurefire.failIfNoSpecifiedTests=false
done
