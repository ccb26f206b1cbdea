#!/usr/bin/env bash
# Nova attention against its PyTorch peer in interleaved rounds at the peer's configuration (bench/lib/rounds.sh;
# one round is bench/lib/round-attention.sh parity; its nanogpt part runs alone: bench/lib/round-attention.sh nanogpt):
#
#   bench/attention.sh [--rounds R] [--quick] [STEPS]
exec bash "$(dirname "$0")/lib/rounds.sh" attention "$@"
