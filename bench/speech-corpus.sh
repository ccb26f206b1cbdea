#!/usr/bin/env bash
# A small speech corpus for audio-gru (README "audio-gru"): verses of the Book of Genesis (KJV, public domain; kit's
# built-in sample) spoken by Debian's espeak-ng in two voices, one WAV file per verse in a folder per voice (so the
# voice is each file's class). espeak-ng writes 22050 Hz 16-bit mono; audio-gru resamples to its data.sample-rate
# (8000 Hz in conf/audio-gru-speech.conf) as it reads. Writes corpora/speech (gitignored); a few minutes of speech.
#
#   bench/speech-corpus.sh [VERSES_PER_VOICE]        (40 by default)
# Needs: apt-get install -y espeak-ng
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
per_voice="${1:-40}"
command -v espeak-ng >/dev/null || { echo "bench/speech-corpus.sh: needs espeak-ng (apt-get install -y espeak-ng)" >&2; exit 2; }
out=corpora/speech
rm -rf "$out.tmp"
mkdir -p "$out.tmp"
voice_index=0
for voice in en-us en-gb; do
  mkdir -p "$out.tmp/$voice"
  n=0
  # Verses in order, one per line (blank lines and chapter headings skipped), shifted per voice so that the two
  # voices say different verses.
  first=$((1 + voice_index * per_voice))
  awk 'NF && !/^Genesis [0-9]+$/' kit/src/main/resources/sample-data/kjv-genesis.txt \
    | sed -n "${first},$((first + per_voice - 1))p" | while IFS= read -r verse; do
      n=$((n + 1))
      espeak-ng -v "$voice" -s 165 -w "$out.tmp/$voice/$(printf %03d "$n").wav" "$verse"
    done
  voice_index=$((voice_index + 1))
done
rm -rf "$out"
mv "$out.tmp" "$out"
files=$(find "$out" -name '*.wav' | wc -l)
bytes=$(du -sb "$out" | cut -f1)
echo "bench/speech-corpus.sh: $files WAV files in $out, $(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 2 / 22050 / 60 }') minutes of speech"
