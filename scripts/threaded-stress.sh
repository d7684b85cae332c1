#!/bin/sh
# Runs ThreadedStepsStressTest: steps on real threads (polls, applies, admin resyncs; a second
# node with webhook hints; ignored pairs taken back; tracker faults; rows deleted; all at once) while
# people edit both sides, then checks that every pair agrees. The threads' interleaving is not
# reproducible, so this searches for races rather than guarding against them; a failure names
# the seed of the edits and the pair that differs. Usage, from the project's root folder:
#   scripts/threaded-stress.sh [RUNS]      default 200 runs of each case (about 4 s a run
#   of all six on 2 cores)
#   MVN_ARGS="-o -Dmaven.repo.local=/tmp/m2"   more Maven options (offline, another repository)
set -eu
runs=${1:-200}
cd "$(dirname "$0")/.."
# shellcheck disable=SC2086 # (MVN_ARGS is split into its options on purpose)
mvn -B -q ${MVN_ARGS:-} -pl backbone-testkit -am test -Dtest=ThreadedStepsStressTest \
  -Dsurefire.failIfNoSpecifiedTests=false -Dbackbone.stress.runs="$runs" \
  -Dorg.slf4j.simpleLogger.log.org.backbonesync=off
echo "threaded stress: $runs runs, every pair agreed"
