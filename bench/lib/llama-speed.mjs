// llama.cpp's side of bench/llama.sh (node-llama-cpp's prebuilt CPU build, llama.cpp's default context settings):
//   node llama-speed.mjs GGUF PROMPT_FILE PROMPT_TOKENS LENGTH REPEATS THREADS
// Writes the prompt (the first PROMPT_TOKENS tokens of the file's text, as text) to PROMPT_FILE.out, then prints one
// JSON line: the seconds the model took to load and each timed greedy generation's seconds (prompt and LENGTH tokens,
// after one untimed generation of 16), and the text generated.
import {readFileSync, writeFileSync} from "node:fs";
import {getLlama} from "node-llama-cpp";

const [file, promptFile, promptTokens, length, repeats, threads] = process.argv.slice(2);
const llama = await getLlama({build: "never", gpu: false, logLevel: "error"});
const t0 = performance.now();
const model = await llama.loadModel({modelPath: file});
const load = (performance.now() - t0) / 1000;
const prompt = Array.from(model.tokenize(readFileSync(promptFile, "utf8"), false)).slice(0, Number(promptTokens));
writeFileSync(promptFile + ".out", model.detokenize(prompt));
const context = await model.createContext({contextSize: Math.min(model.trainContextSize, 1024),
  threads: Number(threads), batchSize: 512});

async function generate(n) {
  const sequence = context.getSequence();
  const out = [];
  for await (const token of sequence.evaluate(prompt, {temperature: 0})) {
    out.push(token);
    if (out.length >= n) break;
  }
  sequence.dispose();
  return out;
}
await generate(16);
const seconds = [];
let tokens = [];
for (let r = 0; r < Number(repeats); r++) {
  const t1 = performance.now();
  tokens = await generate(Number(length));
  seconds.push((performance.now() - t1) / 1000);
}
console.log(JSON.stringify({load_s: load, seconds, tokens: tokens.length, text: model.detokenize(tokens)}));
