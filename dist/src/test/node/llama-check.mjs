// Compares Nova's models with llama.cpp running the GGUF files `nova export` wrote (node-llama-cpp's prebuilt CPU
// build), through Nova's server: the prompt's tokens (POST /tokenize), and the greedy continuation with each token's
// log-probability and the top alternatives (POST /v1/completions, temperature 0, logprobs). Prints one JSON report;
// the Java test (LlamaCppIT) asserts on it.
//
// usage: node llama-check.mjs CONFIG.json   (CONFIG: {server, token, models: [{id, gguf, prompts, tokens}]})
import {readFileSync} from "node:fs";
import {getLlama} from "node-llama-cpp";
import {gguf} from "@huggingface/gguf";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const llama = await getLlama({build: "never", gpu: false, logLevel: "error"});

async function nova(path, body) {
  const res = await fetch(config.server + path, {method: "POST", headers: {"Content-Type": "application/json"},
    body: JSON.stringify(body)});
  const json = await res.json();
  if (!res.ok) throw new Error(path + ": " + res.status + " " + JSON.stringify(json));
  return json;
}

const report = [];
for (const m of config.models) {
  const {metadata, tensorInfos} = await gguf(m.gguf, {allowLocalFile: true});
  const model = await llama.loadModel({modelPath: m.gguf});
  const contextSize = Number(metadata["gpt2.context_length"]);
  const entry = {id: m.id, metadata: {
      architecture: metadata["general.architecture"], version: metadata.version,
      blocks: Number(metadata["gpt2.block_count"]), context: contextSize,
      embedding: Number(metadata["gpt2.embedding_length"]), heads: Number(metadata["gpt2.attention.head_count"]),
      tokenizer: metadata["tokenizer.ggml.model"], pre: metadata["tokenizer.ggml.pre"],
      tokens: metadata["tokenizer.ggml.tokens"].length, merges: (metadata["tokenizer.ggml.merges"] ?? []).length,
      tensors: tensorInfos.length, fileType: Number(metadata["general.file_type"])},
    prompts: []};
  for (const prompt of m.prompts) {
    // Keys and values cached in F32: llama.cpp caches them in F16 by default, which alone moves log-probabilities by
    // up to ~1.4e-3 over a hundred positions (measured).
    const context = await model.createContext({contextSize, threads: 2, flashAttention: false,
      experimentalKvCacheKeyType: "F32", experimentalKvCacheValueType: "F32"});
    const sequence = context.getSequence();
    const llamaPrompt = Array.from(model.tokenize(prompt, false));
    const novaPrompt = (await nova("tokenize", {model: m.id, content: prompt})).tokens;
    // llama.cpp's greedy continuation, with the probabilities of every token at each position.
    const steps = [];
    let result = await sequence.controlledEvaluate(llamaPrompt.map((t, i) => i === llamaPrompt.length - 1
        ? [t, {generateNext: {token: true, probabilities: true}}] : t));
    let next = result[llamaPrompt.length - 1].next;
    for (let i = 0; i < m.tokens; i++) {
      const top = [...next.probabilities.entries()].slice(0, 5).map(([id, p]) => [id, Math.log(p)]);
      steps.push({token: next.token, logprob: Math.log(next.probabilities.get(next.token)), top,
        probabilities: next.probabilities});
      if (i === m.tokens - 1) break;
      result = await sequence.controlledEvaluate([[next.token, {generateNext: {token: true, probabilities: true}}]]);
      next = result[0].next;
    }
    const llamaTokens = steps.map(s => s.token);
    const completion = await nova("v1/completions", {model: m.id, prompt, max_tokens: m.tokens, temperature: 0,
      logprobs: 5});
    const lp = completion.choices[0].logprobs;
    // Where the two first differ (if they do), and each side's log-probabilities on the common part.
    let same = 0;
    while (same < llamaTokens.length && same < lp.token_ids.length && llamaTokens[same] === lp.token_ids[same]) same++;
    let maxDiff = 0;
    let compared = 0;
    for (let i = 0; i < same; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(steps[i].logprob - lp.token_logprobs[i]));
      compared++;
      // Nova's alternatives, by text: compared where the text names one token of llama's top ones.
      const texts = new Map();
      for (const [id] of steps[i].top) {
        const text = model.detokenize([id]);
        texts.set(text, texts.has(text) ? null : id);
      }
      for (const [text, novaLp] of Object.entries(lp.top_logprobs[i])) {
        const id = texts.get(text);
        if (id === undefined || id === null) continue;
        maxDiff = Math.max(maxDiff, Math.abs(Math.log(steps[i].probabilities.get(id)) - novaLp));
        compared++;
      }
    }
    // At a first difference, how far apart the two candidates were in Nova's own log-probabilities (a tie that float
    // rounding may break either way is not a difference of the models).
    let gapAtDifference = null;
    if (same < Math.min(llamaTokens.length, lp.token_ids.length)) {
      const llamaChoiceInNova = lp.top_logprobs[same][model.detokenize([llamaTokens[same]])];
      gapAtDifference = llamaChoiceInNova === undefined ? Infinity : lp.token_logprobs[same] - llamaChoiceInNova;
    }
    entry.prompts.push({prompt, llamaPrompt, novaPrompt, llamaTokens, novaTokens: lp.token_ids,
      llamaText: model.detokenize(llamaTokens), novaText: completion.choices[0].text, sameTokens: same,
      maxLogprobDifference: maxDiff, logprobsCompared: compared, gapAtDifference});
    await context.dispose();
  }
  await model.dispose();
  report.push(entry);
}
console.log(JSON.stringify(report));
