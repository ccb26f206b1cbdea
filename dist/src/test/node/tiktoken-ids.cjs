// Prints the ids OpenAI's tiktoken gives a UTF-8 file under GPT-2's encoding, space-separated, on one line, with
// special tokens' text encoded as ordinary text (as nova tokenize does); on standard error, its encoding speed.
const { get_encoding } = require("tiktoken");
const fs = require("fs");
const enc = get_encoding("gpt2");
const text = fs.readFileSync(process.argv[2], "utf8");
const rounds = Number(process.argv[3] || "1");
let ids;
for (let r = 0; r < rounds; r++) {
  const t0 = process.hrtime.bigint();
  ids = enc.encode(text, [], []);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stderr.write(`tiktoken round ${r + 1}: ${(Buffer.byteLength(text) / 1e6 / s).toFixed(2)} MB/s\n`);
}
process.stdout.write(Array.from(ids).join(" ") + "\n");
enc.free();
