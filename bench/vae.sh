#!/usr/bin/env bash
# Nova vae against its PyTorch peer in interleaved rounds (bench/lib/rounds.sh; one round is bench/lib/round-vae.sh):
#
#   bench/vae.sh [--rounds R] [--quick] [STEPS]
exec bash "$(dirname "$0")/lib/rounds.sh" vae "$@"
