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
  peer_at_its_best
}

# The peer must run at its best: PyTorch's own 1024^3 product under a tenth of the machine's peak means it runs on a
# BLAS that flatters Nova (Debian's python3-torch takes the reference BLAS, libblas3, when no OpenBLAS is installed:
# 5 GFLOP/s on the 2-core EPYC, PyTorch's VAE 12x slower than Nova). NOVA_BENCH_ANY_PEER=1 runs it anyway.
peer_at_its_best() {
  local torch_gflops
  torch_gflops="$("$PY" -c 'import time, torch
a = torch.randn(1024, 1024); b = torch.randn(1024, 1024); torch.mm(a, b)
best = min((lambda t: (torch.mm(a, b), time.perf_counter() - t)[1])(time.perf_counter()) for _ in range(5))
print(f"{2 * 1024 ** 3 / best / 1e9:.1f}")' 2>/dev/null || echo 0)"
  echo "bench: PyTorch's 1024^3 product ${torch_gflops} GFLOP/s (machine peak ${PEAK_GFLOPS})" >&2
  if awk -v t="$torch_gflops" -v p="$PEAK_GFLOPS" 'BEGIN { exit !(t < p / 10) }' && [ "${NOVA_BENCH_ANY_PEER:-0}" != 1 ]; then
    echo "bench: PyTorch multiplies at ${torch_gflops} GFLOP/s, under a tenth of this machine's ${PEAK_GFLOPS}: the" \
      "peer is not at its best (on Debian, install libopenblas0-pthread: python3-torch otherwise takes the reference" \
      "BLAS); NOVA_BENCH_ANY_PEER=1 runs it anyway" >&2
    exit 2
  fi
}
