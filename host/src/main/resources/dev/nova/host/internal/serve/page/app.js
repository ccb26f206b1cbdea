// The page of nova serve: lists the models (GET /v1/models) and generates through POST /v1/generate, text streamed
// as server-sent events, images as PNGs. Plain JavaScript, no build step.
'use strict';

const $ = (id) => document.getElementById(id);
let models = [];
let controller = null;

// The token typed, else the one this tab used before (kept for the tab's session only, once the server took it).
function token() {
  return $('token').value || sessionStorage.getItem('nova-token') || '';
}

function headers() {
  const h = { 'Content-Type': 'application/json' };
  if (token()) {
    h.Authorization = 'Bearer ' + token();
  }
  return h;
}

async function errorOf(response) {
  try {
    const body = await response.json();
    return body.error ? body.error.message : response.statusText;
  } catch (e) {
    return response.status + ' ' + response.statusText;
  }
}

async function loadModels() {
  const tried = token();
  const response = await fetch('v1/models', { headers: headers() });
  if (response.status === 401) {
    sessionStorage.removeItem('nova-token');
    $('token-row').hidden = false;
    $('status').textContent = tried
      ? 'The server refused that token: enter the one it was started with.'
      : 'This server needs a token: enter it, then press Enter or choose Generate.';
    $('token').focus();
    return;
  }
  if (response.ok && tried) {
    sessionStorage.setItem('nova-token', tried);
  }
  if (!response.ok) {
    $('status').textContent = 'Cannot list models: ' + await errorOf(response);
    return;
  }
  models = (await response.json()).data;
  const select = $('model');
  select.replaceChildren(...models.map((m) => new Option(m.id, m.id)));
  $('status').textContent = models.length + (models.length === 1 ? ' model' : ' models');
  showModel();
}

function current() {
  return models.find((m) => m.id === $('model').value);
}

function showModel() {
  const m = current();
  if (!m) {
    return;
  }
  const image = m.nova.modality === 'image';
  const audio = m.nova.modality === 'audio';
  $('text-fields').hidden = image || audio;
  $('image-fields').hidden = !image;
  $('audio-fields').hidden = !audio;
  $('about').textContent = m.nova.plugin + ' ' + m.nova.version + ', ' + m.nova.modality + ', trained '
    + m.nova.step + ' steps; ' + m.nova.workers + (m.nova.workers === 1 ? ' worker' : ' workers');
  for (const id of ['class', 'audio-class']) {
    $(id).replaceChildren(new Option(m.nova.conditional ? '(any)' : '(unconditional)', ''),
      ...m.nova.classes.map((c, i) => new Option(c, String(i))));
    $(id).disabled = !m.nova.conditional;
  }
  $('length').max = m.nova.max_tokens;
  $('count').max = m.nova.max_n;
}

// The options of the model's fieldset, by the keys its controls name (data-option): a control left empty, or at the
// value that means "off" (data-omit), sends nothing; a text control sends its text, the others a number.
function options(fieldset) {
  const options = {};
  for (const control of $(fieldset).querySelectorAll('[data-option]')) {
    const omit = control.dataset.omit;
    if (control.value === '' || (omit !== undefined && Number(control.value) === Number(omit))) {
      continue;
    }
    options[control.dataset.option] = control.tagName === 'TEXTAREA' ? control.value : Number(control.value);
  }
  return options;
}

function request() {
  const m = current();
  const body = { model: m.id };
  const seed = $('seed').value;
  if (seed !== '') {
    body.seed = Number(seed);
  }
  if (m.nova.modality === 'audio') {
    body.n = Number($('sounds').value);
    body.options = options('audio-fields');
  } else if (m.nova.modality === 'image') {
    body.n = Number($('count').value);
    body.options = options('image-fields');
  } else {
    body.stream = true;
    body.options = options('text-fields');
  }
  return body;
}

async function generate(event) {
  event.preventDefault();
  if (models.length === 0) {
    await loadModels();
    return;
  }
  $('error').textContent = '';
  $('output').textContent = '';
  $('grid').replaceChildren();
  $('sounds-out').replaceChildren();
  const body = request();
  controller = new AbortController();
  $('go').disabled = true;
  $('stop').disabled = false;
  $('status').textContent = 'Generating…';
  const started = performance.now();
  try {
    const response = await fetch('v1/generate', { method: 'POST', headers: headers(), body: JSON.stringify(body),
      signal: controller.signal });
    if (!response.ok) {
      throw new Error(await errorOf(response));
    }
    if (body.stream) {
      if (body.options.prompt) {
        $('output').textContent = body.options.prompt;
      }
      await stream(response);
    } else if (current().nova.modality === 'audio') {
      const result = await response.json();
      $('sounds-out').replaceChildren(...result.samples.map((s, i) => {
        const player = document.createElement('audio');
        player.controls = true;
        player.src = 'data:audio/wav;base64,' + s.wav;
        player.title = 'sound ' + (i + 1) + ': ' + s.seconds.toFixed(2) + ' s at ' + s.sample_rate + ' Hz';
        return player;
      }));
    } else {
      const result = await response.json();
      $('grid').replaceChildren(...result.samples.map((s, i) => {
        const img = new Image();
        img.src = 'data:image/png;base64,' + s.png;
        img.alt = 'sample ' + (i + 1);
        return img;
      }));
    }
    $('status').textContent = 'Done in ' + ((performance.now() - started) / 1000).toFixed(1) + ' s';
  } catch (e) {
    if (e.name === 'AbortError') {
      $('status').textContent = 'Stopped';
    } else {
      $('error').textContent = e.message;
      $('status').textContent = 'Failed';
    }
  } finally {
    $('go').disabled = false;
    $('stop').disabled = true;
    controller = null;
  }
}

// Server-sent events: "data: {json}" blocks separated by a blank line. Text is shown once a frame, appended as a
// node: appending to textContent per event copied the whole output each time, and a fast model's stream (25,000
// characters a second) then kept the page too busy to take a click on Stop.
async function stream(response) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const output = $('output');
  let buffer = '';
  let pending = '';
  let frame = 0;
  const flush = () => {
    frame = 0;
    if (pending) {
      output.append(pending);
      pending = '';
    }
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      cancelAnimationFrame(frame);
      flush();
      return;
    }
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (!block.startsWith('data: ')) {
        continue;
      }
      const data = JSON.parse(block.slice(6));
      if (data.error) {
        cancelAnimationFrame(frame);
        flush();
        throw new Error(data.error.message);
      }
      if (data.text !== undefined && data.index === 0) {
        pending += data.text;
      }
    }
    if (pending && !frame) {
      frame = requestAnimationFrame(flush);
    }
  }
}

document.addEventListener('DOMContentLoaded', () => {
  $('model').addEventListener('change', showModel);
  // A token typed (Enter, or leaving the field) lists the models at once.
  $('token').addEventListener('change', () => loadModels().catch((e) => {
    $('status').textContent = 'Cannot list models: ' + e.message;
  }));
  $('form').addEventListener('submit', generate);
  $('stop').addEventListener('click', () => controller && controller.abort());
  loadModels().catch((e) => { $('status').textContent = 'Cannot list models: ' + e.message; });
});
