"""The same LoRA training step as `npm run bench:train`, in PyTorch eager, for the ratio.

Llama decoder (RMSNorm, rotary, causal GQA attention, SiLU-gated MLP, LM head), frozen random
weights, LoRA (A ~ U(-1/sqrt(in), 1/sqrt(in)), B = 0) on the given modules, masked cross-entropy,
clip_grad_norm_ and AdamW: the step bench/train.ts times. Reads one JSON object from argv[1]
and prints one JSON line. Runs on CUDA when available, else the CPU (float32 everywhere).
Written against torch 1.13 (Debian's python3-torch): no scaled_dot_product_attention.
"""
import json
import math
import sys
import time

import torch
import torch.nn.functional as F


def main():
    c = json.loads(sys.argv[1])
    torch.manual_seed(0)
    dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    D, H, KV, hd, I, V, L = c["hidden"], c["heads"], c["kvHeads"], c["headDim"], c["intermediate"], c["vocab"], c["layers"]
    T, r, alpha, targets = c["seq"], c["rank"], c["alpha"], set(c["targets"])
    scale = alpha / r
    shapes = {"q_proj": (D, H * hd), "k_proj": (D, KV * hd), "v_proj": (D, KV * hd), "o_proj": (H * hd, D),
              "gate_proj": (D, I), "up_proj": (D, I), "down_proj": (I, D)}
    W = [{m: torch.randn(o, i, device=dev) * 0.02 for m, (i, o) in shapes.items()} for _ in range(L)]
    lora = [{m: (torch.empty(r, shapes[m][0], device=dev).uniform_(-1 / math.sqrt(shapes[m][0]), 1 / math.sqrt(shapes[m][0])).requires_grad_(),
                 torch.zeros(shapes[m][1], r, device=dev, requires_grad=True)) for m in shapes if m in targets} for _ in range(L)]
    embed = torch.randn(V, D, device=dev) * 0.02
    head = torch.randn(V, D, device=dev) * 0.02
    params = [p for layer in lora for ab in layer.values() for p in ab]
    opt = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.0)

    inv = 1.0 / (c["theta"] ** (torch.arange(0, hd, 2, device=dev).float() / hd))
    ang = torch.outer(torch.arange(T, device=dev).float(), inv)
    cos, sin = torch.cat([ang.cos()] * 2, -1), torch.cat([ang.sin()] * 2, -1)
    mask = torch.full((T, T), float("-inf"), device=dev).triu(1)

    def rms(x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5)

    def rope(x):
        x1, x2 = x[..., : hd // 2], x[..., hd // 2:]
        return x * cos + torch.cat([-x2, x1], -1) * sin

    def lin(x, l, m):
        y = x @ W[l][m].t()
        if m in lora[l]:
            A, B = lora[l][m]
            y = y + (x @ A.t()) @ B.t() * scale
        return y

    ids = torch.randint(0, V, (T,), device=dev)
    tgt = torch.roll(ids, -1)
    tgt[: T // 2] = -100  # the prompt half is not trained, as in the engine's benchmark

    def step():
        x = embed[ids]
        for l in range(L):
            h = rms(x)
            q = rope(lin(h, l, "q_proj").view(T, H, hd).transpose(0, 1))
            k = rope(lin(h, l, "k_proj").view(T, KV, hd).transpose(0, 1)).repeat_interleave(H // KV, 0)
            v = lin(h, l, "v_proj").view(T, KV, hd).transpose(0, 1).repeat_interleave(H // KV, 0)
            att = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(hd) + mask, -1) @ v
            x = x + lin(att.transpose(0, 1).reshape(T, H * hd), l, "o_proj")
            h = rms(x)
            x = x + lin(F.silu(lin(h, l, "gate_proj")) * lin(h, l, "up_proj"), l, "down_proj")
        loss = F.cross_entropy(rms(x) @ head.t(), tgt, ignore_index=-100)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        return loss.item()

    for _ in range(c.get("warmup", 1)):
        step()
    if dev.type == "cuda":
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    times = []
    for _ in range(c["steps"]):
        t0 = time.perf_counter()
        step()
        if dev.type == "cuda":
            torch.cuda.synchronize()
        times.append((time.perf_counter() - t0) * 1000)
    out = {"device": str(dev), "torch": torch.__version__, "threads": torch.get_num_threads(), "ms_per_step": sorted(times)[(len(times) - 1) // 2]}
    if dev.type == "cuda":
        out["peak_bytes"] = torch.cuda.max_memory_allocated()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
