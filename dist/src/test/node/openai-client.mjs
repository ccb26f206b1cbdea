// The official OpenAI client for Node, unchanged, against nova serve (ServeOpenAiClientIT). Prints one JSON line.
import OpenAI from 'openai';

const client = new OpenAI({ baseURL: process.env.NOVA_URL + 'v1', apiKey: process.env.NOVA_TOKEN, maxRetries: 0 });
const model = process.env.NOVA_MODEL;
const request = { model, prompt: 'And God said', max_tokens: 60, seed: 7 };

const models = [];
for await (const m of client.models.list()) {
  models.push(m.id);
}
const plain = await client.completions.create(request);

let streamed = '';
let finish = null;
let usage = null;
const stream = await client.completions.create({ ...request, stream: true, stream_options: { include_usage: true } });
for await (const chunk of stream) {
  for (const choice of chunk.choices) {
    streamed += choice.text;
    finish = choice.finish_reason ?? finish;
  }
  usage = chunk.usage ?? usage;
}

let error = null;
try {
  await client.completions.create({ ...request, model: 'no-such-model' });
} catch (e) {
  error = { status: e.status, param: e.param, code: e.code, message: e.message, type: e.constructor.name };
}

// A stream the model refuses before its first token (a prompt character its vocabulary lacks): the client's error
// with the status and field, as for a plain request, not a 200 whose first event is an error.
let refused = null;
try {
  const s = await client.completions.create({ ...request, prompt: 'And God said \u263A', stream: true });
  for await (const chunk of s) {
    refused = { chunk };
  }
} catch (e) {
  refused = { status: e.status ?? null, param: e.param, code: e.code, type: e.constructor.name };
}

console.log(JSON.stringify({ models, plain: plain.choices[0].text, plainFinish: plain.choices[0].finish_reason,
  plainUsage: plain.usage, streamed, finish, usage, error, refused }));
