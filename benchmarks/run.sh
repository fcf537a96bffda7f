#!/usr/bin/env bash
# Runs the JMH suites and the workload report against a local Redis Cluster of its own, then
# writes benchmarks/RESULTS.md from the JSON results it leaves in benchmarks/results/.
#
#   benchmarks/run.sh quick   # 3 alternating forks per suite, short iterations: under 10 minutes
#   benchmarks/run.sh full    # 5 alternating forks per suite, longer iterations and workload
#   benchmarks/run.sh latency # as quick, remote and bulk suites only, every client reaching the
#                             # nodes through links that delay each direction by LINK_DELAY_US
#                             # (default 250 us): results-latency/ and RESULTS-latency.md
#
# Why rounds: a ratio counts only when both of its rows ran in the same JMH invocation, and the
# machine is shared and noisy. So each suite runs as one invocation per fork (-f 1), and the
# invocations alternate in rounds (round 1: every suite once, round 2: again, ...). ResultsReport
# computes every ratio per fork and reports the median with its min and max.
#
# Environment:
#   BENCHMARKS_CP   a classpath to run instead of building benchmarks/target/benchmarks.jar
#   JAVA            the java to run (default: java on PATH)
#   SUITES          the suites to run (default: "l0 remote bulk peer workload"; latency: "remote bulk")
#   LINK_DELAY_US   the one-way delay of the latency profile's links, in microseconds (default 250)
#
# The cluster: the testkit's main starts 3 primaries + 3 replicas on free loopback ports and
# prints REDIS_CLUSTER_NODES=...; every JMH fork gets it as -Dtieredcache.redis.nodes. It is
# stopped (SIGTERM, which makes the testkit stop its redis-server processes) when this script
# exits, however it exits. The Redis on 127.0.0.1:6379 is never touched.
set -euo pipefail

MODE="${1:-quick}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/benchmarks"
RESULTS="$BENCH/results"
REPORT="$BENCH/RESULTS.md"
JAVA="${JAVA:-java}"
LINK_DELAY_US=""
if [[ "$MODE" == latency ]]; then
  # The links are in user space (the testkit's DelayedLinks): this kernel has no sch_netem, so a
  # network namespace with `tc qdisc netem delay` cannot be made here.
  LINK_DELAY_US="${LINK_DELAY_US:-250}"
  RESULTS="$BENCH/results-latency"
  REPORT="$BENCH/RESULTS-latency.md"
  SUITES="${SUITES:-remote bulk}"
fi
SUITES="${SUITES:-l0 remote bulk peer workload}"

case "$MODE" in
  quick|latency)
    FORKS=3
    L0_ITER=(-wi 2 -w 500ms -i 5 -r 500ms)
    REMOTE_ITER=(-wi 1 -w 1s -i 2 -r 750ms)
    # Quick runs the latency rows in sample-time mode only (its mean is the average time; full runs
    # average-time mode as well), the throughput rows in an invocation of their own, and leaves the
    # three diagnostic rows (rawMgetDecode, tieredHotGetOnRawClient, storeReadDecode) to full.
    # Each entry: results name @ JMH regex @ extra JMH options.
    REMOTE_RUNS=(
      "remote@RemoteHitBenchmark\\.(tieredHotGet|tieredWarmGet|tieredColdGet|rawGetDecode|naiveSequentialColdGet)\$@-bm sample"
      "remote-batch@RemoteHitBenchmark\\.(tieredHotGetAsyncBatch|rawGetDecodeAsyncBatch)\$@"
    )
    WORKLOAD_ARGS=(--warmup-reads 2000 --reads 10000 --max-seconds 15)
    ;;
  full)
    FORKS=5
    L0_ITER=(-wi 5 -w 1s -i 5 -r 1s)
    REMOTE_ITER=(-wi 3 -w 2s -i 5 -r 2s)
    REMOTE_RUNS=("remote@RemoteHitBenchmark@")
    WORKLOAD_ARGS=(--warmup-reads 20000 --reads 100000 --max-seconds 120)
    ;;
  *)
    echo "usage: $0 quick|full|latency" >&2
    exit 2
    ;;
esac

STARTED_AT="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
START_SECONDS=$SECONDS
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
log() { echo "[run.sh $(date +%H:%M:%S)] $*" >&2; }

# ------------------------------------------------------------------------- build
if [[ -n "${BENCHMARKS_CP:-}" ]]; then
  CP="$BENCHMARKS_CP"
  log "using BENCHMARKS_CP, not building"
else
  log "building: ./mvnw -q -pl benchmarks -am package -DskipTests"
  (cd "$ROOT" && ./mvnw -q -B -pl benchmarks -am package -DskipTests)
  CP="$BENCH/target/benchmarks.jar"
fi

rm -rf "$RESULTS"
mkdir -p "$RESULTS/logs"
COMMANDS="$RESULTS/commands.txt"
: > "$COMMANDS"

# ------------------------------------------------------------------------- cluster
READY="$RESULTS/cluster.ready"
CLUSTER_PID=""
cleanup() {
  local status=$?
  if [[ -n "$CLUSTER_PID" ]] && kill -0 "$CLUSTER_PID" 2>/dev/null; then
    log "stopping the local Redis Cluster (pid $CLUSTER_PID)"
    kill -TERM "$CLUSTER_PID" 2>/dev/null || true
    for _ in $(seq 1 30); do
      kill -0 "$CLUSTER_PID" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$CLUSTER_PID" 2>/dev/null; then
      log "the cluster process did not stop; killing it"
      kill -KILL "$CLUSTER_PID" 2>/dev/null || true
    fi
    wait "$CLUSTER_PID" 2>/dev/null || true
  fi
  rm -f "$READY"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "starting a local Redis Cluster (testkit)"
LINK_ARGS=()
[[ -n "$LINK_DELAY_US" ]] && LINK_ARGS=(--link-delay-us "$LINK_DELAY_US")
"$JAVA" -cp "$CP" io.github.tieredcache.redis.testkit.LocalRedisCluster --no-stdin --ready-file "$READY" \
  "${LINK_ARGS[@]}" < /dev/null > "$RESULTS/logs/cluster.log" 2>&1 &
CLUSTER_PID=$!
for _ in $(seq 1 240); do
  [[ -s "$READY" ]] && break
  if ! kill -0 "$CLUSTER_PID" 2>/dev/null; then
    log "the cluster did not start:"
    cat "$RESULTS/logs/cluster.log" >&2
    exit 1
  fi
  sleep 0.5
done
if [[ ! -s "$READY" ]]; then
  log "the cluster was not ready within 120 s:"
  cat "$RESULTS/logs/cluster.log" >&2
  exit 1
fi
NODES="$(grep '^REDIS_CLUSTER_NODES=' "$READY" | cut -d= -f2-)"
if [[ -z "$NODES" || "$NODES" == *":6379"* ]]; then
  log "unexpected node list: '$NODES'"
  exit 1
fi
log "cluster nodes: $NODES"
REDIS_VERSION="$("$JAVA" -cp "$CP" -Dtieredcache.redis.nodes="$NODES" io.github.tieredcache.benchmarks.RedisNodes 2>/dev/null || echo '?')"

JVM_ARGS="-Dtieredcache.redis.nodes=$NODES -Xms1g -Xmx1g"
LINKS=""
if [[ -n "$LINK_DELAY_US" ]]; then
  LINKS="$(grep '^REDIS_CLUSTER_LINKS=' "$READY" | cut -d= -f2-)"
  if [[ -z "$LINKS" ]]; then
    log "the cluster printed no links"
    exit 1
  fi
  log "delayed links ($LINK_DELAY_US us each way): $LINKS"
  JVM_ARGS="$JVM_ARGS -Dtieredcache.redis.links=$LINKS"
fi

# ------------------------------------------------------------------------- suites
# run_jmh NAME REGEX ARGS...: one JMH invocation, one fork, JSON to results/NAME.json.
run_jmh() {
  local name="$1" regex="$2"
  shift 2
  local cmd=("$JAVA" -cp "$CP" org.openjdk.jmh.Main "$regex" -f 1 -prof gc "$@"
    -jvmArgsAppend "$JVM_ARGS" -rf json -rff "$RESULTS/$name.json")
  printf '%q ' "${cmd[@]}" | sed 's/ $//' >> "$COMMANDS"
  echo >> "$COMMANDS"
  log "$name: $regex"
  # A failing row is reported by ResultsReport (from the log); the run goes on.
  if ! "${cmd[@]}" > "$RESULTS/logs/$name.log" 2>&1; then
    log "$name: JMH exited with an error (see results/logs/$name.log)"
  fi
  grep -E '^(L0Hit|RemoteHit|BulkGet|Peer)Benchmark\.[A-Za-z0-9]+ ' "$RESULTS/logs/$name.log" >&2 || true
}

has_suite() { [[ " $SUITES " == *" $1 "* ]]; }

for f in $(seq 1 "$FORKS"); do
  log "round $f of $FORKS"
  if has_suite l0; then
    run_jmh "l0-t1-f$f" 'L0HitBenchmark' -t 1 "${L0_ITER[@]}"
    run_jmh "l0-t2-f$f" 'L0HitBenchmark' -t 2 "${L0_ITER[@]}"
  fi
  if has_suite remote; then
    for run in "${REMOTE_RUNS[@]}"; do
      IFS='@' read -r name regex extra <<< "$run"
      # shellcheck disable=SC2086 # $extra is empty or "-bm sample"
      run_jmh "$name-f$f" "$regex" $extra "${REMOTE_ITER[@]}"
    done
  fi
  if has_suite bulk; then
    run_jmh "bulk-f$f" 'BulkGetBenchmark' "${REMOTE_ITER[@]}"
  fi
  if has_suite peer; then
    run_jmh "peer-f$f" 'PeerBenchmark' "${REMOTE_ITER[@]}"
  fi
done

if has_suite bulk; then
  cmd=("$JAVA" -cp "$CP" -Xms1g -Xmx1g -Dtieredcache.redis.nodes="$NODES" -Dtieredcache.redis.links="$LINKS"
    io.github.tieredcache.benchmarks.BulkCommandCounts --out "$RESULTS/getall-commands.properties")
  printf '%q ' "${cmd[@]}" | sed 's/ $//' >> "$COMMANDS"
  echo >> "$COMMANDS"
  log "commands of one getAll(100) per primary"
  if ! "${cmd[@]}" > "$RESULTS/logs/getall-commands.log" 2>&1; then
    log "counting the commands of one getAll failed (see results/logs/getall-commands.log)"
  fi
fi

if has_suite workload; then
  cmd=("$JAVA" -cp "$CP" -Xms1g -Xmx1g -Dtieredcache.redis.nodes="$NODES"
    io.github.tieredcache.benchmarks.WorkloadReport "${WORKLOAD_ARGS[@]}" --out "$RESULTS/workload.json")
  printf '%q ' "${cmd[@]}" | sed 's/ $//' >> "$COMMANDS"
  echo >> "$COMMANDS"
  log "workload report"
  if ! "${cmd[@]}" 2>&1 | grep -v 'Connection is already closed' | tee "$RESULTS/logs/workload.log" >&2; then
    log "the workload report failed (see results/logs/workload.log)"
  fi
fi

# ------------------------------------------------------------------------- report
ELAPSED=$((SECONDS - START_SECONDS))
cat > "$RESULTS/run-info.properties" <<EOF
mode=$MODE
forks=$FORKS
started=$STARTED_AT
finished=$(date -u +%Y-%m-%dT%H:%M:%SZ)
elapsedSeconds=$ELAPSED
loadBefore=$LOAD_BEFORE
loadAfter=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
nodes=$NODES
redis=Redis $REDIS_VERSION
linkDelayUs=$LINK_DELAY_US
iterations=L0HitBenchmark ${L0_ITER[*]}; RemoteHit, BulkGet and Peer ${REMOTE_ITER[*]}; every suite -f 1 -prof gc, JVM $JVM_ARGS
EOF
sed -i -e "s|-Dtieredcache.redis.nodes=[^ ]*|-Dtieredcache.redis.nodes=<nodes>|" \
  -e "s|-Dtieredcache.redis.links=[^ ]*|-Dtieredcache.redis.links=<links>|" "$RESULTS/run-info.properties"
"$JAVA" -cp "$CP" io.github.tieredcache.benchmarks.ResultsReport --results "$RESULTS" --out "$REPORT"
log "done in ${ELAPSED} s: $REPORT"
