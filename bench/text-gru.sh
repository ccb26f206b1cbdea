#!/usr/bin/env bash
# Nova text-gru against its PyTorch peer in interleaved rounds (bench/lib/rounds.sh; one round is bench/lib/round-text-gru.sh):
#
#   bench/text-gru.sh [--rounds R] [--quick] [STEPS]
exec bash "$(dirname "$0")/lib/rounds.sh" text-gru "$@"
