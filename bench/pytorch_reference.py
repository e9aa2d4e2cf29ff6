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

With `--json` it measures instead the figures of `rlaif bench --compare` (which runs it that way,
alternating with the Java side) and prints them as one JSON line: training tokens/s (forward,
backward and AdamW) per `--d-model`; sampled tokens/s with the KV cache per `--sample-batches` at
the first width; one REINFORCE step (`--contexts` x `--samples-per-context` samples, a stand-in
reward counting token 2, leave-one-out advantages, sequence log-probs, loss, backward, AdamW),
split into generation and update; a `--gemm-size` square matmul in GFLOP/s; and the parameter
count of each width (6 * params * tokens/s over the GEMM rate is the training FLOP/s share).
"""
import argparse
import json
import math
import platform
import re
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

    def hidden(self, ids, entities, offset=0, caches=None):
        t = ids.shape[1]
        total = offset + t
        mask = torch.full((t, total), float("-inf")).triu(offset + 1)
        x = self.embed(ids, entities, offset)
        for i, block in enumerate(self.blocks):
            x = block(x, mask, None if caches is None else caches[i])
        return self.ln_f(x)

    def logits(self, hidden):
        return hidden @ self.wte.weight.t()

    def forward(self, ids, entities, offset=0, caches=None):
        return self.logits(self.hidden(ids, entities, offset, caches))


def median_rate(warmups, runs, work):
    for _ in range(warmups):
        work()
    rates = []
    for _ in range(runs):
        start = time.perf_counter()
        tokens = work()
        rates.append(tokens / (time.perf_counter() - start))
    return statistics.median(rates)


def median_of(warmups, runs, work):
    """Median of `runs` timed calls of `work` (after `warmups` untimed ones) of what it returns from
    the elapsed seconds: work() returns a function of the elapsed time."""
    for _ in range(warmups):
        work()
    values = []
    for _ in range(runs):
        start = time.perf_counter()
        figure = work()
        values.append(figure(time.perf_counter() - start))
    return statistics.median(values)


def generate(model, prompt, entities, new_tokens):
    """Ancestral sampling with the KV cache as the Java Sampler does it: per step the log-softmax, the
    entropy and the sampled token's log-prob; rows stop at the end token 1 (later tokens are pad 0)."""
    rows = prompt.shape[0]
    caches = [[None, None] for _ in model.blocks]
    hidden = model.hidden(prompt, entities, 0, caches)[:, -1]
    finished = torch.zeros(rows, dtype=torch.bool)
    tokens = torch.zeros(rows, new_tokens, dtype=torch.long)
    lengths = torch.zeros(rows, dtype=torch.long)
    for step in range(new_tokens):
        log_policy = model.logits(hidden).log_softmax(-1)
        policy = log_policy.exp()
        entropy = -(policy * log_policy).sum(-1)
        token = torch.multinomial(policy, 1)
        log_prob = log_policy.gather(-1, token)
        del entropy, log_prob  # computed as the Java sampler does, not used here
        live = ~finished
        tokens[:, step] = torch.where(live, token.squeeze(1), tokens[:, step])
        lengths += live.long()
        finished |= token.squeeze(1) == 1
        if finished.all() or step == new_tokens - 1:
            break
        hidden = model.hidden(token, entities, prompt.shape[1] + step, caches).reshape(rows, -1)
    return tokens, lengths


def continuation_log_probs(model, prompt, entities, tokens, lengths):
    """Per-row sums of log pi(y_j | prompt, y_<j) over each row's real tokens, as the Java
    Elm.continuationLogProbs computes them: one forward pass over prompt + continuation, the hidden
    states at the positions that predict continuation tokens, the head, log-softmax and gather."""
    width = max(int(lengths.max()), 1)
    sequence = torch.cat([prompt, tokens[:, :width]], 1)
    hidden = model.hidden(sequence, entities)
    p = prompt.shape[1]
    picked = hidden[:, p - 1:p - 1 + width]
    mask = (torch.arange(width).unsqueeze(0) < lengths.unsqueeze(1)).float()
    logp = model.logits(picked).log_softmax(-1).gather(-1, tokens[:, :width].unsqueeze(-1)).squeeze(-1)
    return logp * mask, mask


def blas_report():
    config = torch.__config__.show()
    found = re.search(r"BLAS_INFO=([^,\s]+)", config)
    parts = ["BLAS_INFO=" + (found.group(1) if found else "?")]
    parts.append("MKL" if "Math Kernel Library" in config else "no MKL")
    if "MKL-DNN" in config or "oneDNN" in config:
        parts.append("oneDNN")
    try:
        with open("/proc/self/maps") as maps:
            libs = sorted({line.split()[-1].rsplit("/", 1)[-1] for line in maps
                           if re.search(r"blas|mkl|lapack", line.split()[-1], re.I)})
        parts.append("loaded: " + (", ".join(libs) if libs else "none named *blas*/*mkl*"))
    except OSError:
        pass
    return "; ".join(parts)


def compare_figures(args):
    """The figures of `rlaif bench --compare`, one JSON line on stdout."""
    figures = {}
    info = {"python": platform.python_version(), "torch": torch.__version__,
            "intra_op_threads": torch.get_num_threads(),
            "inter_op_threads": torch.get_num_interop_threads()}
    placeholder = args.vocab - 1
    widths = [int(v) for v in args.d_model.split(",")]
    for index, d in enumerate(widths):
        model = Elm(args.vocab, args.context, args.layers, args.heads, d, placeholder)
        info["params_d%d" % d] = sum(p.numel() for p in model.parameters())
        generator = torch.Generator().manual_seed(7)
        prompt = torch.randint(2, args.vocab - 1, (args.batch, args.prompt_tokens), generator=generator)
        prompt[:, 2] = placeholder
        entities = torch.randn(args.batch, ENTITY_DIM, generator=generator)
        continuation = torch.randint(2, args.vocab - 1, (args.batch, args.context - args.prompt_tokens),
                                     generator=generator)
        lengths = torch.full((args.batch,), continuation.shape[1], dtype=torch.long)
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
        train_tokens = args.batch * args.context

        def train_step():
            logp, mask = continuation_log_probs(model, prompt, entities, continuation, lengths)
            loss = -logp.sum() / mask.sum()
            optimizer.zero_grad(set_to_none=False)
            loss.backward()
            optimizer.step()
            return lambda seconds: train_tokens / seconds

        figures["train_tok_s_d%d" % d] = median_of(args.warmups, args.runs, train_step)
        if index > 0:
            continue
        for rows in [int(v) for v in args.sample_batches.split(",")]:
            sample_prompt = prompt[torch.arange(rows) % args.batch]
            sample_entities = entities[torch.arange(rows) % args.batch]

            @torch.no_grad()
            def sample():
                _, produced = generate(model, sample_prompt, sample_entities, args.new_tokens)
                count = int(produced.sum())
                return lambda seconds: count / seconds

            figures["sample_tok_s_b%d" % rows] = median_of(args.warmups, args.runs, sample)
        k = args.samples_per_context
        pick = (torch.arange(args.contexts * k) // k) % args.batch
        rl_prompt, rl_entities = prompt[pick], entities[pick]
        parts = {"generate": [], "update": [], "step": []}

        def reinforce_step():
            start = time.perf_counter()
            with torch.no_grad():
                tokens, produced = generate(model, rl_prompt, rl_entities, args.new_tokens)
            generated = time.perf_counter()
            live = torch.arange(tokens.shape[1]).unsqueeze(0) < produced.unsqueeze(1)
            reward = ((tokens == 2) & live).sum(1).float().view(args.contexts, k)
            advantage = (reward - (reward.sum(1, keepdim=True) - reward) / (k - 1)).view(-1)
            logp, _ = continuation_log_probs(model, rl_prompt, rl_entities, tokens, produced)
            loss = -(advantage * logp.sum(1)).mean()
            optimizer.zero_grad(set_to_none=False)
            loss.backward()
            optimizer.step()
            end = time.perf_counter()
            parts["generate"].append(generated - start)
            parts["update"].append(end - generated)
            parts["step"].append(end - start)
            return lambda seconds: seconds

        for _ in range(args.warmups):
            reinforce_step()
        for values in parts.values():
            values.clear()
        for _ in range(args.runs):
            reinforce_step()
        figures["reinforce_step_s"] = statistics.median(parts["step"])
        figures["reinforce_generate_s"] = statistics.median(parts["generate"])
        figures["reinforce_update_s"] = statistics.median(parts["update"])
    n = args.gemm_size
    a = torch.randn(n, n, generator=torch.Generator().manual_seed(1))
    b = torch.randn(n, n, generator=torch.Generator().manual_seed(2))

    def gemm():
        torch.mm(a, b)
        return lambda seconds: 2.0 * n ** 3 / seconds / 1e9

    figures["gemm_gflop_s"] = median_of(args.warmups, args.runs, gemm)
    info["blas"] = blas_report()
    print(json.dumps({"side": "pytorch", "info": info, "figures": figures}), flush=True)


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
    parser.add_argument("--sample-batches", default="1,16,64")
    parser.add_argument("--contexts", type=int, default=4)
    parser.add_argument("--samples-per-context", type=int, default=8)
    parser.add_argument("--gemm-size", type=int, default=2048)
    parser.add_argument("--json", action="store_true",
                        help="measure the figures of `rlaif bench --compare`; print one JSON line")
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
        torch.set_num_interop_threads(1)
    torch.manual_seed(7)
    if args.json:
        compare_figures(args)
        return
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
