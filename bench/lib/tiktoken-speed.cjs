// tiktoken's side of bench/tokenizer.sh: GPT-2's encoding of a UTF-8 file (special tokens' text as ordinary text, as
// Nova encodes it), one untimed pass, then REPEATS timed ones. Prints the same JSON line as TokenizeSpeed.java.
//   node tiktoken-speed.cjs TEXT REPEATS        (NODE_PATH names the node_modules holding tiktoken)
const { get_encoding } = require("tiktoken");
const fs = require("fs");
const enc = get_encoding("gpt2");
const text = fs.readFileSync(process.argv[2], "utf8");
let tokens = enc.encode(text, [], []).length;
const seconds = [];
for (let r = 0; r < Number(process.argv[3]); r++) {
  const t0 = process.hrtime.bigint();
  tokens = enc.encode(text, [], []).length;
  seconds.push(Number(process.hrtime.bigint() - t0) / 1e9);
}
enc.free();
console.log(JSON.stringify({ bytes: Buffer.byteLength(text), tokens, seconds }));
