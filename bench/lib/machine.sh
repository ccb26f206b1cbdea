#!/usr/bin/env bash
# What a benchmark ran on, for its results file: the CPU model and the vector flags that matter to the kernels, the
# OpenBLAS settings of the environment, and the BLAS each side really runs: OpenBLAS names the core whose kernels
# it chose when OPENBLAS_VERBOSE=2 (ND4J's bundled OpenBLAS for Nova, through bench/lib/Peak.java; Debian's
# libblas.so.3 alternative for PyTorch), and PyTorch's build says which BLAS it was built against.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
shared="$(cd "$root/../shared" && pwd)"
model="$(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)"
flags="$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx|avx2|fma|avx512f|avx512bw|avx512_bf16|avx512_vnni|amx_tile)$' | tr '\n' ' ')"
echo "cpu: $model, $(nproc) cores; flags: ${flags% }"
echo "environment: OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-(unset)}, OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-(unset)}, OMP_NUM_THREADS=${OMP_NUM_THREADS:-(unset)}"
nova_core="$(OPENBLAS_VERBOSE=2 OMP_WAIT_POLICY=PASSIVE java -XX:+UseSerialGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -p "$root/dist/target/nova/lib" --add-modules ALL-MODULE-PATH "$root/bench/lib/Peak.java" 64 1 2>&1 | grep -m1 '^Core:' || echo 'Core: ?')"
. "$shared/peers/peer_env.sh"
torch="$(OPENBLAS_VERBOSE=2 "$PY" - 2>&1 <<'PY'
import torch
a = torch.ones(64, 64)
(a @ a).sum().item()
import re
info = re.findall(r"BLAS_INFO=[^,]*", torch.__config__.show())
libs = sorted({l.split()[-1] for l in open("/proc/self/maps") if "blas" in l.lower()})
print(f"torch {torch.__version__}, {info[0] if info else 'BLAS_INFO=?'}, libraries {', '.join(libs)}")
PY
)"
torch_core="$(grep -m1 '^Core:' <<<"$torch" || echo 'Core: ?')"
echo "BLAS: Nova ND4J's bundled OpenBLAS, ${nova_core#Core: } kernels; PyTorch $(grep '^torch ' <<<"$torch"), OpenBLAS ${torch_core#Core: } kernels"
