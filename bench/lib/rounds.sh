#!/usr/bin/env bash
# Interleaved benchmark rounds: a speed ratio against a PyTorch peer counts only as the median of several rounds
# that alternate Nova and the peer (Nova, peer, Nova, peer, ...) on a machine with nothing else running; one
# back-to-back pair is noise (the peers' own speed swings 2x with machine load).
#
#   bench/rounds.sh WORKLOAD [--rounds R] [--quick] [ARGS...]
#
# WORKLOAD is text-gru, vae, image-gru or "attention parity"-style (the script bench/WORKLOAD.sh and its arguments).
# Each round runs the workload's script once (it trains Nova, then the peer, on the same steps) and its figures line
# is printed with the load average at the round's start; the summary line gives the median training-speed ratio
# (Nova / PyTorch) with its min and max. --quick runs the scripts' short length (for iterating, not for figures);
# R defaults to 3.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
[ $# -ge 1 ] || { echo "usage: bench/rounds.sh WORKLOAD [--rounds R] [--quick] [ARGS...]" >&2; exit 2; }
workload="$1"; shift
rounds=3
quick=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --quick) quick=1; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
script="$here/$workload.sh"
[ -x "$script" ] || [ -f "$script" ] || { echo "bench: no workload $workload (bench/$workload.sh)" >&2; exit 2; }
if [ -n "$quick" ] && [ ${#args[@]} -eq 0 ]; then
  case "$workload" in
    text-gru) args=(200) ;; vae) args=(469) ;; image-gru) args=(300) ;; attention) args=(parity 150) ;;
  esac
fi
ratios=()
for r in $(seq 1 "$rounds"); do
  load="$(cut -d' ' -f1-3 /proc/loadavg)"
  line="$(bash "$script" "${args[@]}" | grep -v '^logs: ' | tail -1)"
  echo "round $r/$rounds (load $load): $line"
  ratio="$(grep -o 'ratio [0-9.]*' <<<"$line" | head -1 | cut -d' ' -f2)"
  [ -n "$ratio" ] && ratios+=("$ratio")
done
python3 - "$workload" "${ratios[@]}" <<'PY'
import statistics, sys
name, values = sys.argv[1], [float(v) for v in sys.argv[2:]]
if not values:
    sys.exit(f"bench: no ratio found in the rounds of {name}")
print(f"{name}: training speed Nova/PyTorch median {statistics.median(values):.2f} "
      f"(min {min(values):.2f}, max {max(values):.2f}) over {len(values)} interleaved rounds")
PY
