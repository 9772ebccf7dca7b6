"""Records torch.optim.AdamW(fused=True) steps, every float as its 32 bits, for FusedAdamWTest.

Usage: python torch_fused_adamw.py OUT.json
Each case: parameters with given starting values, three steps each with a gradient and a clipping
factor (applied as clip_grad_norm_ applies it, grad.mul_(float32 factor)), and the parameters and
both moments after every step. Sizes are multiples of 16 elements, so every element takes the
kernel's vector path (its scalar tail for the last size % 16 elements may round differently).
"""
import json, sys
import torch


def bits(t):
    return t.detach().contiguous().view(torch.int32).flatten().tolist()


def case(seed, lr, betas, eps, weight_decay, shapes, scales):
    g = torch.Generator().manual_seed(seed)
    params = [torch.nn.Parameter(torch.randn(s, generator=g) * 0.5) for s in shapes]
    record = {"lr": lr, "betas": list(betas), "eps": eps, "weight_decay": weight_decay,
              "parameters": [{"shape": list(p.shape), "initial": bits(p)} for p in params], "steps": []}
    opt = torch.optim.AdamW(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, fused=True)
    for scale in scales:
        grads = []
        for p in params:
            # magnitudes from 1e-7 to 1, some exact zeros
            grad = torch.randn(p.shape, generator=g) * 10.0 ** torch.randint(-7, 1, p.shape, generator=g).float()
            grad[torch.rand(p.shape, generator=g) < 0.05] = 0.0
            grads.append(bits(grad))
            p.grad = grad.clone()
            p.grad.mul_(torch.tensor(scale, dtype=torch.float32))
        opt.step()
        record["steps"].append({"scale": scale, "gradients": grads,
                                "after": [{"param": bits(p), "exp_avg": bits(opt.state[p]["exp_avg"]),
                                           "exp_avg_sq": bits(opt.state[p]["exp_avg_sq"])} for p in params]})
    return record


out = {"torch": torch.__version__, "cpu_capability": torch.backends.cpu.get_cpu_capability(),
       "cases": [case(1, 1e-3, (0.9, 0.999), 1e-8, 0.01, [(16, 16), (32,)], [1.0, 0.37109375, 0.5]),
                 case(2, 0.05, (0.3, 0.95), 1e-6, 0.0, [(8, 4, 4), (16,)], [0.25, 1.0, 0.8125])]}
with open(sys.argv[1], "w") as f:
    json.dump(out, f, separators=(",", ":"))
