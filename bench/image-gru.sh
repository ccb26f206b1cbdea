#!/usr/bin/env bash
# Nova image-gru against its PyTorch peer in interleaved rounds (bench/lib/rounds.sh; one round is bench/lib/round-image-gru.sh):
#
#   bench/image-gru.sh [--rounds R] [--quick] [STEPS]
exec bash "$(dirname "$0")/lib/rounds.sh" image-gru "$@"
