# Sourced by every bench/lib/round-*.sh: the paths, the data checks, and the set-up of a round (a fresh output
# folder, the peers' Python and thread settings, the build outside the timings, the machine's peak).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
shared="$(cd "$root/../shared" && pwd)"
fashion_mnist=/usr/share/datasets/fashion-mnist
corpus="$shared/data/tinyshakespeare.txt"

needs_fashion_mnist() {
  [ -f "$fashion_mnist/train-images-idx3-ubyte.gz" ] \
    || { echo "bench: $fashion_mnist not found (apt-get install dataset-fashion-mnist)" >&2; exit 2; }
}

needs_corpus() {
  [ -f "$corpus" ] || { echo "bench: $corpus not found (the shared benchmark data)" >&2; exit 2; }
}

# The CPU seconds the whole machine has spent busy since boot (user, nice, system, irq, softirq, steal).
cpu_busy() {
  awk -v hz="$(getconf CLK_TCK)" '/^cpu /{printf "%.2f\n", ($2 + $3 + $4 + $7 + $8 + $9) / hz}' /proc/stat
}

# measure SIDE COMMAND...: runs one side of a round under /usr/bin/time (its wall time, its own CPU time and peak RSS
# in $out/SIDE.rss) and writes to $out/SIDE.others the CPU seconds that other processes took while it ran: the
# machine's busy time over the run less the command's own. A side beside other work is not a figure (PyTorch fell 4x
# beside jobs at nice 19 while Nova lost 10%); bench/lib/rounds.sh leaves such rounds out of its medians.
measure() {
  local side="$1"; shift
  local before after
  before="$(cpu_busy)"
  /usr/bin/time -f "%e %U %S %M" -o "$out/$side.rss" "$@"
  after="$(cpu_busy)"
  awk -v b="$before" -v a="$after" -v n="$(nproc)" '{own = $2 + $3; o = a - b - own; if (o < 0) o = 0;
    printf "%.2f %.2f %d\n", o, $1, n}' "$out/$side.rss" >"$out/$side.others"
}

# Sets $out and $PY; exports PEAK_GFLOPS (measured here unless bench/lib/rounds.sh measured it for all rounds).
start_round() {
  out="$(mktemp -d /tmp/nova-bench.XXXXXX)"
  . "$shared/peers/peer_env.sh"
  export OMP_WAIT_POLICY=PASSIVE
  (cd "$root" && NOVA_NO_BUILD= ./nova plugins >/dev/null)   # build if needed, outside the timings
  export NOVA_NO_BUILD=1
  PEAK_GFLOPS="${PEAK_GFLOPS:-$(bash "$root/bench/lib/peak.sh")}"
  export PEAK_GFLOPS
  export PYTHONPATH="$root/bench/lib"
}
