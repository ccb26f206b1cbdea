#!/usr/bin/env bash
# Makes the launcher's class-data-sharing archive (dist/target/nova/nova.jsa) at package time: the classes that
# `nova plugins`, a short `nova train`, `nova generate`, `nova evaluate` and `nova inspect` load, parsed, verified
# and laid out once, so that every later command maps them instead (measured on 2 cores: `nova plugins` 0.65 ->
# 0.45 s, `nova generate RUN --length 100` on a text-gru run 1.25 -> 1.1 s).
#
#   make-archive.sh DIST_DIR      (DIST_DIR/lib is the module path the nova script runs)
#
# The JVM uses the archive only with the same module path (same folder, same jars) and the same JVM, and silently
# runs without it otherwise, so a stale or foreign archive costs nothing but the time it would have saved. Any
# failure here leaves no archive and says so; it never fails the build. NOVA_CDS=0 skips it.
set -uo pipefail
dist="$(cd "$1" && pwd)"
lib="$dist/lib"
archive="$dist/nova.jsa"
rm -f "$archive"
[ "${NOVA_CDS:-1}" = 0 ] && { echo "cds: skipped (NOVA_CDS=0)"; exit 0; }
work="$(mktemp -d "${TMPDIR:-/tmp}/nova-cds.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# The nova script's flags: the module path and the collector must match for the archive to be used.
run() {
  local list="$1"; shift
  LC_ALL=C.UTF-8 OMP_WAIT_POLICY=PASSIVE java -XX:DumpLoadedClassList="$work/$list.classes" -XX:+UseSerialGC -Xmn64m -Xms128m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -p "$lib" --add-modules ALL-MODULE-PATH \
    -m dev.nova.host/dev.nova.host.Main "$@" >"$work/$list.log" 2>&1
}
fail() { echo "cds: no archive, nova runs without it ($1)"; exit 0; }
run plugins plugins || fail "nova plugins failed: $(tail -1 "$work/plugins.log")"
run train train --plugin text-gru --run-dir "$work/run" --set plugins.text-gru.data.path=builtin:kjv-genesis \
  --set plugins.text-gru.model.hidden=16 --set plugins.text-gru.model.embedding=8 --set nova.train.steps=4 \
  --set nova.train.eval-every=4 --set plugins.text-gru.eval.batches=1 --set nova.train.samples=1 \
  || fail "a short training run failed: $(tail -1 "$work/train.log")"
run generate generate "$work/run" --length 20 || fail "nova generate failed: $(tail -1 "$work/generate.log")"
run evaluate evaluate "$work/run" || fail "nova evaluate failed: $(tail -1 "$work/evaluate.log")"
run inspect inspect "$work/run" || fail "nova inspect failed: $(tail -1 "$work/inspect.log")"
cat "$work"/*.classes | sort -u >"$work/all.classes"
if java -Xshare:dump -XX:SharedClassListFile="$work/all.classes" -XX:SharedArchiveFile="$archive" -XX:+UseSerialGC \
    -p "$lib" --add-modules ALL-MODULE-PATH -m dev.nova.host/dev.nova.host.Main >"$work/dump.log" 2>&1; then
  echo "cds: $archive ($(wc -l <"$work/all.classes") classes, $(( $(stat -c %s "$archive") / 1048576 )) MiB)"
else
  rm -f "$archive"
  fail "the JVM could not dump it: $(grep -v warning "$work/dump.log" | tail -1)"
fi
