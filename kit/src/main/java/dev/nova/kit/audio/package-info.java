/** Audio: WAV files, resampling, μ-law companding, builtin:tones, audio folders split by file (since 1.4). */
package dev.nova.kit.audio;
