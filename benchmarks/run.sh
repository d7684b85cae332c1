#!/usr/bin/env bash
# Runs the benchmark suite and writes benchmarks/results.json and benchmarks/results.md.
# Full run: well over 5 minutes on 2 cores (the bulk first sync of 10,000 issues alone takes
# over 2 minutes per iteration). Quick mode (--quick): a few seconds per benchmark, for CI
# (timings are then not meaningful and nothing asserts on them).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl benchmarks -am package -DskipTests
jar=benchmarks/target/benchmarks.jar
if [[ "${1:-}" == "--quick" ]]; then
  # (polling latency waits for whole poll intervals: only the webhook case in quick mode)
  # (and 20 synchronizations, a first sync of 200 issues: under 30 s each on a loaded machine)
  opts=(-f 1 -wi 1 -i 1 -w 200ms -r 200ms -p detection=webhooks -p syncs=20 -p issues=200)
else
  opts=()
fi
if [[ -n "${BACKBONE_PG_URL:-}" ]]; then
  opts+=(-p store=h2,postgres) # the durable benchmarks on PostgreSQL too
else
  opts+=(-e TwoNodeBenchmark) # needs PostgreSQL
fi
java -jar "$jar" "${opts[@]}" -prof gc -rf json -rff benchmarks/results.json
java -cp "$jar" org.backbonesync.core.BenchmarkReport benchmarks/results.json > benchmarks/results.md
java -cp "$jar" org.backbonesync.core.StoreFootprint >> benchmarks/results.md
echo >> benchmarks/results.md
java -cp "$jar" org.backbonesync.jira.JiraCost >> benchmarks/results.md
cat benchmarks/results.md
