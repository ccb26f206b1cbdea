#!/usr/bin/python3
"""The PyTorch peer of a whole-model training step at GPT-2's shape (issue 46): the model of a Hugging Face GPT-2
folder (config.json, model.safetensors, as bench/gpt2_reference.py writes it and `nova import gpt2` reads it),
trained with AdamW on windows of GPT-2 token ids (a little-endian uint16 file, the tokens of the text Nova trains on),
as nanoGPT's model.py writes GPT-2: learned positions, pre-LayerNorm blocks, causal attention over [q|k|v] = x W + b
(softmax of the masked scores: torch 1.13 has no fused attention), GELU's tanh form, MLP x4, the head tied to the
token embedding. Prints one JSON line: parameters, timed steps, their seconds, the first and last loss.

  /usr/bin/python3 bench/gpt2_train_peer.py HF_DIR TOKENS.u16 [--batch 1] [--window 1024] [--steps 6] [--warmup 2]
      [--lr 1e-4] [--weight-decay 0] [--threads 2] [--seed 1234]
"""
import argparse, json, math, struct, time

import torch
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument("model")
p.add_argument("tokens")
p.add_argument("--batch", type=int, default=1)
p.add_argument("--window", type=int, default=1024)
p.add_argument("--steps", type=int, default=6)
p.add_argument("--warmup", type=int, default=2, help="leading steps left out of the timing")
p.add_argument("--lr", type=float, default=1e-4)
p.add_argument("--weight-decay", type=float, default=0.0)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--seed", type=int, default=1234)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(a.seed)

cfg = json.load(open(a.model + "/config.json"))
C, L, H, eps = cfg["n_embd"], cfg["n_layer"], cfg["n_head"], cfg["layer_norm_epsilon"]
with open(a.model + "/model.safetensors", "rb") as f:
    n = struct.unpack("<Q", f.read(8))[0]
    header = json.loads(f.read(n))
    blob = f.read()
w = torch.nn.ParameterDict()
for name, t in header.items():
    if name == "__metadata__":
        continue
    s, e = t["data_offsets"]
    w[name.replace(".", "_")] = torch.nn.Parameter(torch.frombuffer(bytearray(blob[s:e]), dtype=torch.float32)
                                                   .reshape(t["shape"]).clone())
del blob


def P(name):
    return w[name.replace(".", "_")]


def forward(ids):
    B, T = ids.shape
    x = P("wte.weight")[ids] + P("wpe.weight")[:T]
    mask = torch.tril(torch.ones(T, T, dtype=torch.bool))
    for i in range(L):
        h = f"h.{i}."
        y = F.layer_norm(x, (C,), P(h + "ln_1.weight"), P(h + "ln_1.bias"), eps)
        q, k, v = (y @ P(h + "attn.c_attn.weight") + P(h + "attn.c_attn.bias")).split(C, dim=-1)
        q, k, v = (t.view(B, T, H, C // H).transpose(1, 2) for t in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(C // H)
        att = att.masked_fill(~mask, float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).reshape(B, T, C)
        x = x + y @ P(h + "attn.c_proj.weight") + P(h + "attn.c_proj.bias")
        y = F.layer_norm(x, (C,), P(h + "ln_2.weight"), P(h + "ln_2.bias"), eps)
        y = F.gelu(y @ P(h + "mlp.c_fc.weight") + P(h + "mlp.c_fc.bias"), approximate="tanh")
        x = x + y @ P(h + "mlp.c_proj.weight") + P(h + "mlp.c_proj.bias")
    x = F.layer_norm(x, (C,), P("ln_f.weight"), P("ln_f.bias"), eps)
    return x @ P("wte.weight").T


with open(a.tokens, "rb") as f:
    raw = f.read()
data = torch.frombuffer(bytearray(raw), dtype=torch.int16).to(torch.int64) & 0xFFFF
opt = torch.optim.AdamW(w.parameters(), lr=a.lr, weight_decay=a.weight_decay)
g = torch.Generator().manual_seed(a.seed)
losses = []
t0 = None
for step in range(a.steps):
    if step == a.warmup:
        t0 = time.perf_counter()
    starts = torch.randint(0, len(data) - a.window - 1, (a.batch,), generator=g)
    x = torch.stack([data[s:s + a.window] for s in starts])
    y = torch.stack([data[s + 1:s + a.window + 1] for s in starts])
    logits = forward(x)
    loss = F.cross_entropy(logits.view(-1, logits.size(-1)), y.view(-1))
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    losses.append(loss.item())
seconds = time.perf_counter() - t0
print(json.dumps({"params": sum(t.numel() for t in w.values()), "timed_steps": a.steps - a.warmup,
                  "train_seconds": seconds, "first_loss": losses[0], "last_loss": losses[-1]}))
