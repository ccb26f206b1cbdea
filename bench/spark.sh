#!/usr/bin/env bash
# Nova on a Spark standalone cluster on this machine: a master and workers started from Spark's own jars (the
# nova-spark module's provided dependencies, laid out as a SPARK_HOME), the Nova distribution shipped to the
# executors with --archives, and text-gru trained at its parity config (conf/text-gru-parity.conf,
# ../shared/data/tinyshakespeare.txt).
#
#   bench/spark.sh standalone [STEPS]   two workers, --cluster-shards 2, STEPS (default 200) steps; then the same
#                                       run in one process; prints one line: losses and time per step of each
#   bench/spark.sh scaling [STEPS]      per-step time of the local path and of the Spark path at 1, 2 and 4 shards
#                                       (one single-core worker per shard), STEPS (default 40) steps each
#
# Needs the built project (mvn -DskipTests install) and Java 17; nothing else is installed. NOVA_SPARK_CONF adds
# spark-submit options ("--conf spark.broadcast.compress=false").
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
shared="$(cd "$root/../shared" && pwd)"
mode="${1:-standalone}"
case "$mode" in standalone) steps="${2:-200}" ;; scaling) steps="${2:-40}" ;; *) echo "usage: bench/spark.sh standalone|scaling [STEPS]" >&2; exit 2 ;; esac
corpus="$shared/data/tinyshakespeare.txt"
[ -f "$corpus" ] || { echo "bench: $corpus not found (the shared benchmark data)" >&2; exit 2; }
work="$(mktemp -d /tmp/nova-spark.XXXXXX)"
spark_home="$root/spark/target/spark-home"
export OMP_WAIT_POLICY=PASSIVE

# Spark's jars as a SPARK_HOME (a RELEASE file tells Spark's launcher the jars are in jars/).
if [ ! -f "$spark_home/RELEASE" ]; then
  (cd "$root" && mvn -B -q -pl dist,spark -DskipTests package dependency:copy-dependencies -DincludeScope=provided \
      -DoutputDirectory="$spark_home/jars") >&2
  echo "Spark 3.5.9 for Scala 2.13 (jars from Maven Central, for nova-spark's benchmarks)" > "$spark_home/RELEASE"
fi
[ -f "$root/spark/target/nova-spark.jar" ] && [ -d "$root/dist/target/nova/lib" ] || {
  echo "bench: build first: mvn -B -DskipTests install" >&2; exit 2; }
export SPARK_HOME="$spark_home" SPARK_SCALA_VERSION=2.13
# The two flags Spark needs on Java 17 (spark-submit's launcher adds them; these JVMs are started by hand).
opens="--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED"
spark_java() { java -cp "$spark_home/jars/*" $opens "$@"; }
# The same, in the background, with the JVM's own pid in $pids (the function's subshell execs into java: killing
# the subshell alone would leave the JVM running).
spark_daemon() { ( exec java -cp "$spark_home/jars/*" $opens "$@" ) & pids+=($!); }

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# A master on a port the OS picks (no port is assumed free), then N single-core workers; sets $master. (Not
# called in a command substitution: its subshell would keep the pids from the cleanup.)
start_cluster() {
  local n="$1"
  spark_daemon -Xmx256m org.apache.spark.deploy.master.Master --host 127.0.0.1 --port 0 --webui-port 0 \
    >"$work/master.log" 2>&1
  master=""
  for _ in $(seq 1 120); do
    master="$(grep -o 'spark://127.0.0.1:[0-9]*' "$work/master.log" | head -1 || true)"
    [ -n "$master" ] && break
    sleep 0.5
  done
  [ -n "$master" ] || { echo "bench: the Spark master did not start; see $work/master.log" >&2; exit 1; }
  for i in $(seq 1 "$n"); do
    spark_daemon -Xmx256m org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --port 0 --webui-port 0 --cores 1 \
      --memory 3g --work-dir "$work/worker$i" "$master" >"$work/worker$i.log" 2>&1
  done
  for _ in $(seq 1 120); do
    [ "$(grep -l 'Successfully registered with master' "$work"/worker*.log 2>/dev/null | wc -l)" -ge "$n" ] && break
    sleep 0.5
  done
}

# The distribution, as executors receive it: --archives nova.tgz#nova unpacks it as ./nova next to each executor.
tar -C "$root/dist/target/nova" -czf "$work/nova.tgz" .

submit() {   # submit MASTER SHARDS RUN_DIR
  spark_java -Xmx2g org.apache.spark.deploy.SparkSubmit --master "$1" --deploy-mode client \
    --class dev.nova.spark.NovaSpark --archives "$work/nova.tgz#nova" \
    --conf spark.nova.home="$root/dist/target/nova" --conf spark.executor.cores=1 --conf spark.executor.memory=2g \
    --conf spark.cores.max="$2" --conf spark.ui.enabled=false ${NOVA_SPARK_CONF:-} \
    "$root/spark/target/nova-spark.jar" train "$root/conf/text-gru-parity.conf" --cluster-shards "$2" \
    --set nova.train.steps="$steps" --set nova.train.eval-every="$steps" --set nova.train.log-every=10 \
    --set nova.train.samples=0 --run-dir "$3"
}

local_run() {   # local_run RUN_DIR
  NOVA_NO_BUILD=1 "$root/nova" train "$root/conf/text-gru-parity.conf" --set nova.train.steps="$steps" \
    --set nova.train.eval-every="$steps" --set nova.train.log-every=10 --set nova.train.samples=0 --run-dir "$1"
}

# Mean seconds per step after step 10 (JIT and Spark warm-up excluded), the last step loss and the held-out loss.
figures() {
  python3 - "$1" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1] + "/metrics.jsonl")]
prog = [r for r in recs if "elapsed_s" in r]
a = next(r for r in prog if r["step"] >= 10); b = prog[-1]
ev = [r for r in recs if "eval" in r][-1]["eval"]["loss"]
print(f"{(b['elapsed_s'] - a['elapsed_s']) / (b['step'] - a['step']) * 1000:.0f} {b['loss']:.4f} {ev:.4f}")
PY
}

if [ "$mode" = standalone ]; then
  start_cluster 2
  submit "$master" 2 "$work/cluster" >"$work/cluster.log" 2>&1 || { echo "bench: the cluster run failed; see $work/cluster.log" >&2; exit 1; }
  local_run "$work/local" >"$work/local.log" 2>&1
  read -r cms closs ceval <<<"$(figures "$work/cluster")"
  read -r lms lloss leval <<<"$(figures "$work/local")"
  echo "spark standalone, text-gru parity config, $steps steps, 2 workers x 1 core, --cluster-shards 2 | cluster:" \
    "$cms ms/step, last step loss $closs, held-out $ceval | one process: $lms ms/step, last step loss $lloss," \
    "held-out $leval"
else
  local_run "$work/local" >"$work/local.log" 2>&1
  read -r lms _ _ <<<"$(figures "$work/local")"
  start_cluster 4
  line="spark scaling, text-gru parity config, $steps steps, ms/step | local path $lms"
  for n in 1 2 4; do
    submit "$master" "$n" "$work/cluster$n" >"$work/cluster$n.log" 2>&1 || { echo "bench: see $work/cluster$n.log" >&2; exit 1; }
    read -r cms _ _ <<<"$(figures "$work/cluster$n")"
    line="$line | spark $n shards $cms ($(python3 -c "print(f'{$cms/$lms:.2f}')")x local)"
  done
  echo "$line"
fi
echo "logs: $work"
