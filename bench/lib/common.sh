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
