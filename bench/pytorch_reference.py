#!/usr/bin/env python3
"""The ELM of `rlaif bench` written in plain PyTorch, measured the same way.

Same architecture (GPT-2 blocks: pre-LayerNorm, fused QKV, tanh-GELU MLP, output head tied to the
token embedding, learned positions; a 2-layer GELU adapter that writes the entity's embedding into
the placeholder position), same workload (batch, sequence length, prompt length, new tokens), same
figures: training tokens/s (forward + backward of the mean continuation NLL, then with an AdamW
step) and sampling tokens/s with a KV cache (rows stop at the end token 1), each the median of
`--runs` timed repetitions after `--warmups` untimed ones.

    OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE python3 bench/pytorch_reference.py --threads 2
    OMP_NUM_THREADS=2 ./rlaif bench --threads 2

Compare the two tables on the same machine, one after the other, nothing else running.
"""
import argparse
import math
import statistics
import time

import torch
import torch.nn.functional as F

ENTITY_DIM = 32
ADAPTER_HIDDEN = 128


def gelu(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x.pow(3))))


class Block(torch.nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.ln_1 = torch.nn.LayerNorm(d, eps=1e-5)
        self.c_attn = torch.nn.Linear(d, 3 * d)
        self.attn_proj = torch.nn.Linear(d, d)
        self.ln_2 = torch.nn.LayerNorm(d, eps=1e-5)
        self.c_fc = torch.nn.Linear(d, 4 * d)
        self.mlp_proj = torch.nn.Linear(4 * d, d)

    def forward(self, x, mask, cache=None):
        b, t, d = x.shape
        h = self.heads
        qkv = self.c_attn(self.ln_1(x)).view(b, t, 3, h, d // h).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        if cache is not None:
            if cache[0] is not None:
                k = torch.cat([cache[0], k], dim=2)
                v = torch.cat([cache[1], v], dim=2)
            cache[0], cache[1] = k, v
        scores = q @ k.transpose(-1, -2) / math.sqrt(d // h) + mask
        mixed = scores.softmax(-1) @ v
        x = x + self.attn_proj(mixed.transpose(1, 2).reshape(b, t, d))
        return x + self.mlp_proj(gelu(self.c_fc(self.ln_2(x))))


class Elm(torch.nn.Module):
    def __init__(self, vocab, context, layers, heads, d, placeholder):
        super().__init__()
        self.placeholder = placeholder
        self.wte = torch.nn.Embedding(vocab, d)
        self.wpe = torch.nn.Embedding(context, d)
        self.blocks = torch.nn.ModuleList(Block(d, heads) for _ in range(layers))
        self.ln_f = torch.nn.LayerNorm(d, eps=1e-5)
        self.fc1 = torch.nn.Linear(ENTITY_DIM, ADAPTER_HIDDEN)
        self.fc2 = torch.nn.Linear(ADAPTER_HIDDEN, d)
        for p in self.parameters():
            if p.dim() > 1:
                torch.nn.init.normal_(p, std=0.02)

    def embed(self, ids, entities, offset):
        x = self.wte(ids)
        slot = ids == self.placeholder
        if slot.any():
            adapted = self.fc2(gelu(self.fc1(entities)))  # [B, d]
            x = torch.where(slot.unsqueeze(-1), adapted.unsqueeze(1).expand_as(x), x)
        positions = torch.arange(offset, offset + ids.shape[1])
        return x + self.wpe(positions)

    def forward(self, ids, entities, offset=0, caches=None):
        t = ids.shape[1]
        total = offset + t
        mask = torch.full((t, total), float("-inf")).triu(offset + 1)
        x = self.embed(ids, entities, offset)
        for i, block in enumerate(self.blocks):
            x = block(x, mask, None if caches is None else caches[i])
        return self.ln_f(x) @ self.wte.weight.t()


def median_rate(warmups, runs, work):
    for _ in range(warmups):
        work()
    rates = []
    for _ in range(runs):
        start = time.perf_counter()
        tokens = work()
        rates.append(tokens / (time.perf_counter() - start))
    return statistics.median(rates)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--d-model", default="128,256")
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--vocab", type=int, default=4096)
    parser.add_argument("--context", type=int, default=128)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--prompt-tokens", type=int, default=8)
    parser.add_argument("--new-tokens", type=int, default=64)
    parser.add_argument("--warmups", type=int, default=3)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(7)
    print(f"PyTorch {torch.__version__} on cpu, {torch.get_num_threads()} intra-op threads; batch {args.batch}, "
          f"{args.context}-token sequences, {args.new_tokens} new tokens; median of {args.runs} runs after "
          f"{args.warmups} warm-ups")
    print("| d_model | layers | train fwd+bwd (tok/s) | + AdamW (tok/s) | sampling, KV cache (tok/s) |")
    print("| --- | --- | --- | --- | --- |")
    placeholder = args.vocab - 1
    for d in [int(v) for v in args.d_model.split(",")]:
        model = Elm(args.vocab, args.context, args.layers, args.heads, d, placeholder)
        prompt = torch.randint(2, args.vocab - 1, (args.batch, args.prompt_tokens))
        prompt[:, 2] = placeholder
        entities = torch.randn(args.batch, ENTITY_DIM)
        sequence = torch.cat([prompt, torch.randint(2, args.vocab - 1, (args.batch, args.context - args.prompt_tokens))], 1)
        train_tokens = args.batch * args.context

        def forward_backward():
            logits = model(sequence[:, :-1], entities)
            targets = sequence[:, args.prompt_tokens:]
            logp = logits[:, args.prompt_tokens - 1:].log_softmax(-1).gather(-1, targets.unsqueeze(-1))
            loss = -logp.mean()
            model.zero_grad(set_to_none=False)
            loss.backward()
            return train_tokens

        train = median_rate(args.warmups, args.runs, forward_backward)
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)

        def with_adamw():
            forward_backward()
            optimizer.step()
            return train_tokens

        train_adamw = median_rate(args.warmups, args.runs, with_adamw)

        @torch.no_grad()
        def sample():
            caches = [[None, None] for _ in model.blocks]
            logits = model(prompt, entities, 0, caches)[:, -1]
            finished = torch.zeros(args.batch, dtype=torch.bool)
            produced = 0
            for step in range(args.new_tokens):
                token = torch.multinomial(logits.softmax(-1), 1)
                produced += int((~finished).sum())
                finished |= token.squeeze(1) == 1
                if finished.all() or step == args.new_tokens - 1:
                    break
                logits = model(token, entities, args.prompt_tokens + step, caches)[:, -1]
            return produced

        sampling = median_rate(args.warmups, args.runs, sample)
        print(f"| {d} | {args.layers} | {train:.0f} | {train_adamw:.0f} | {sampling:.0f} |", flush=True)


if __name__ == "__main__":
    main()
