#!/usr/bin/env bash
# Start-up: the wall time of `nova plugins` and of `nova generate RUN --length 100` on a small text-gru run, in
# interleaved rounds, as medians with min and max. With a second checkout (built: dist/target/nova/lib), its
# launcher runs interleaved with this one's (this, other, this, other, ...) on the same run, and the ratios are
# printed: the way to measure a start-up change against the commit before it.
#
#   bench/startup.sh [--rounds R] [OTHER_CHECKOUT]      (R defaults to 10)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds=10
other=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) other="$(cd "$1" && pwd)"; shift ;;
  esac
done
(cd "$root" && NOVA_NO_BUILD= ./nova plugins >/dev/null)   # build if needed
export NOVA_NO_BUILD=1 OMP_WAIT_POLICY=PASSIVE
out="$(mktemp -d /tmp/nova-startup.XXXXXX)"
trap 'rm -rf "$out"' EXIT
"$root/nova" train --plugin text-gru --run-dir "$out/run" --set plugins.text-gru.data.path=builtin:kjv-genesis \
  --set nova.train.steps=20 --set nova.train.eval-every=20 --set nova.train.samples=0 >/dev/null 2>&1
launchers=("$root/nova")
[ -n "$other" ] && launchers+=("$other/nova")
# Each launcher gets a JavaCPP cache of its own, filled before the rounds: JavaCPP extracts ND4J's native libraries
# (374 MB) again whenever their jar entries' dates differ from the cached files', so two checkouts whose runtime jars
# were dated differently, sharing ~/.javacpp, re-extracted at every alternate start (2.4-3.1 s a generate instead of 1).
seconds() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000 )); }
run() { local i="$1"; shift; NOVA_JAVA_OPTS="-Dorg.bytedeco.javacpp.cachedir=$out/javacpp-$i" "${launchers[$i]}" "$@"; }
for i in "${!launchers[@]}"; do
  run "$i" generate "$out/run" --length 1 --seed 1 >/dev/null 2>&1
done
for r in $(seq 1 "$rounds"); do
  for i in "${!launchers[@]}"; do
    echo "$i plugins $(seconds run "$i" plugins)" >>"$out/times"
    echo "$i generate $(seconds run "$i" generate "$out/run" --length 100 --seed 1)" >>"$out/times"
  done
done
python3 - "$out/times" "$(cut -d' ' -f1-3 /proc/loadavg)" "$root" "$other" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
load, names = sys.argv[2], [sys.argv[3]] + ([sys.argv[4]] if sys.argv[4] else [])
med = {}
for i, name in enumerate(names):
    for cmd in ("plugins", "generate"):
        v = [int(t) / 1e6 for j, c, t in rows if int(j) == i and c == cmd]
        med[i, cmd] = statistics.median(v)
        print(f"{name}: nova {cmd if cmd == 'plugins' else 'generate RUN --length 100'}: median {med[i, cmd]:.2f} s "
              f"(min {min(v):.2f}, max {max(v):.2f}) over {len(v)} interleaved rounds")
if len(names) == 2:
    for cmd in ("plugins", "generate"):
        print(f"{cmd}: this / other {med[0, cmd] / med[1, cmd]:.2f}")
print(f"(load average at the end: {load})")
PY
