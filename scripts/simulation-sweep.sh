#!/bin/sh
# Runs the fault simulation over a range of seeds on all cores and lists every failing seed with
# the command that replays it. Usage, from the project's root folder:
#   scripts/simulation-sweep.sh [FIRST..LAST]        default 1..60000
#   THREADS=2 scripts/simulation-sweep.sh 1..1000000
#   OPERATORS=true scripts/simulation-sweep.sh 1..10000   operators delete rows, lose the store
#   OPERATORS=true IMPORTS=true scripts/simulation-sweep.sh 1..10000   and export/import rows
#   OPERATORS=true IGNORES=true scripts/simulation-sweep.sh 1..10000   and ignore incoming changes
#   OPERATORS=true BACKUPS=true scripts/simulation-sweep.sh 1..10000   and restore backups
#   WEBHOOKS=true scripts/simulation-sweep.sh 1..10000   webhooks hint changes (lost, repeated)
#   LINK_REMOVALS=true scripts/simulation-sweep.sh 1..10000   people remove links too
#   WORKLOGS=true scripts/simulation-sweep.sh 1..10000   people log work too
#   DELETES=true scripts/simulation-sweep.sh 1..10000   people delete and move issues away too
#     (not with OPERATORS=true)
#   STORE_FAULTS=true scripts/simulation-sweep.sh 1..10000   store writes sometimes fail
#   SMALL_PAGES=true scripts/simulation-sweep.sh 1..10000   polls read pages of two issues, and
#     the tracker's time moves the watermark past issues read again
#   HAND_OVER=true scripts/simulation-sweep.sh 1..10000   no transports: the connectors hand
#     messages straight to each other's inbox, as two of one engine without a host's transport
#   LABEL_ORDER=true scripts/simulation-sweep.sh 1..10000   people write labels in any order
#     (not always in one), so both sides ending with one set in two orders shows
#   SITE_RESTORES=true scripts/simulation-sweep.sh 1..10000   a tracker's site is restored from a
#     backup (issues created since lost, their keys given again) (not with OPERATORS=true or
#     DELETES=true)
#   LAST_EDITS=false   do not check that no person's change is lost (checked by default)
#   MVN_ARGS="-o -Dmaven.repo.local=/tmp/m2"   more Maven options (offline, another repository)
# Engine warnings (tracker faults the simulation throws on purpose) are turned off; a failing
# seed's replay line shows them again.
set -eu
seeds=${1:-1..60000}
threads=${THREADS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}
cd "$(dirname "$0")/.."
start=$(date +%s)
status=0
# shellcheck disable=SC2086 # (MVN_ARGS is split into its options on purpose)
mvn -B -q ${MVN_ARGS:-} -pl backbone-testkit -am test -Dtest=SimulationTest#everySeedKeepsEveryGuarantee \
  -Dsurefire.failIfNoSpecifiedTests=false -Dbackbone.sim.seeds="$seeds" \
  -Dbackbone.sim.threads="$threads" -Dbackbone.sim.operators="${OPERATORS:-false}" -Dbackbone.sim.imports="${IMPORTS:-false}" -Dbackbone.sim.ignores="${IGNORES:-false}" -Dbackbone.sim.backups="${BACKUPS:-false}" -Dbackbone.sim.webhooks="${WEBHOOKS:-false}" -Dbackbone.sim.linkRemovals="${LINK_REMOVALS:-false}" -Dbackbone.sim.worklogs="${WORKLOGS:-false}" -Dbackbone.sim.deletes="${DELETES:-false}" -Dbackbone.sim.storeFaults="${STORE_FAULTS:-false}" -Dbackbone.sim.smallPages="${SMALL_PAGES:-false}" -Dbackbone.sim.handOver="${HAND_OVER:-false}" -Dbackbone.sim.labelOrder="${LABEL_ORDER:-false}" -Dbackbone.sim.siteRestores="${SITE_RESTORES:-false}" -Dbackbone.sim.lastEdits="${LAST_EDITS:-true}" -Dorg.slf4j.simpleLogger.defaultLogLevel=off \
  || status=$?
echo "sweep of seeds $seeds on $threads threads: $(( $(date +%s) - start )) s wall, exit $status"
exit $status
