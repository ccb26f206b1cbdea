#!/usr/bin/env bash
# Prints the machine's single-precision matrix-product peak in GFLOP/s (a number alone), through the BLAS Nova's
# runtime uses: bench/lib/Peak.java on the module path the nova script runs. Its full line goes to standard error.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
line="$(OMP_WAIT_POLICY=PASSIVE java -XX:+UseSerialGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -p "$root/dist/target/nova/lib" --add-modules ALL-MODULE-PATH "$root/bench/lib/Peak.java" "$@" 2>/dev/null | grep '^peak ')"
echo "bench: $line" >&2
awk '{print $2}' <<<"$line"
