"""Generate ConvEngine's golden operator cases from PyTorch.

Writes one JSON Lines file per op family (corr2d, conv2d, pool2d, linear, matmul,
activations, log_softmax, losses, lenet) into Engine.Tests/Golden/cases/, in the format
of FORMAT.md: inputs drawn in float32 (so the float32 engine sees exactly the same
values), everything computed in float64, gradients by autograd. Seeds are fixed, so a
rerun reproduces the files byte for byte. Ends by re-reading every file it wrote.

Run from the repository root (Debian 12: apt-get install python3-torch):
    /usr/bin/python3 tools/golden/generate_golden.py

This is a development tool only: ConvEngine never depends on Python at run time; the
tests just read the generated .jsonl files.
"""
import json
import os
import zlib

import torch
import torch.nn.functional as F
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Engine.Tests", "Golden", "cases")
torch.set_num_threads(1)

OPS = {
    "corr2d": lambda x, k: F.conv2d(x[None, None], k[None, None])[0, 0],
    "conv2d": F.conv2d,
    "max_pool2d": F.max_pool2d,
    "avg_pool2d": F.avg_pool2d,  # count_include_pad=True is PyTorch's default
    "linear": F.linear,
    "matmul": torch.matmul,
    "sigmoid": torch.sigmoid,
    "relu": torch.relu,
    "tanh": torch.tanh,
    "log_softmax": F.log_softmax,
    "cross_entropy": F.cross_entropy,
    "mse_loss": F.mse_loss,
}


def enc(t):
    """A tensor as {"shape", "data"(, "dtype")}; data row-major.

    Floats are written with 9 significant digits: enough to give back every float32 input
    exactly, and float64 results within 5e-10 relative, far inside the tolerance."""
    data = t.detach().flatten().tolist()
    d = {"shape": list(t.shape), "data": data if t.dtype == torch.int64 else [float(f"{v:.9g}") for v in data]}
    if t.dtype == torch.int64:
        d["dtype"] = "int64"
    return d


def case(cid, op, attrs, inputs, grad_names=None):
    """Run OPS[op](*inputs, **attrs) in float64 and back-propagate a random grad_output.

    inputs: name -> float32 (or int64) tensor, in the op's argument order.
    grad_names: inputs to differentiate; default all floating-point inputs."""
    x = {k: v.double() if v.is_floating_point() else v for k, v in inputs.items()}
    names = grad_names or [k for k, v in x.items() if v.is_floating_point()]
    for k in names:
        x[k].requires_grad_()
    out = OPS[op](*x.values(), **attrs)
    g = torch.randn(out.shape).double()
    grads = torch.autograd.grad(out, [x[k] for k in names], g)
    return {"id": cid, "op": op, "attrs": attrs, "inputs": {k: enc(v) for k, v in x.items()},
            "output": enc(out), "grad_output": enc(g), "grads": dict(zip(names, map(enc, grads)))}


def lenet_case(cid, variant, n):
    """d2l's LeNet (FORMAT.md): mean cross-entropy loss and its parameter gradients."""
    act, pool = (nn.Sigmoid, nn.AvgPool2d) if variant == "d2l" else (nn.ReLU, nn.MaxPool2d)
    net = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), act(), pool(2, 2), nn.Conv2d(6, 16, 5), act(), pool(2, 2),
                        nn.Flatten(), nn.Linear(400, 120), act(), nn.Linear(120, 84), act(), nn.Linear(84, 10))
    for m in net:
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(m.weight)
    net.double()  # float32-initialised, so the parameters are float32-exact
    x, y = torch.rand(n, 1, 28, 28).double(), torch.randint(0, 10, (n,))
    loss = F.cross_entropy(net(x), y)
    params = dict(net.named_parameters())
    grads = torch.autograd.grad(loss, list(params.values()))
    return {"id": cid, "op": "lenet", "attrs": {"variant": variant}, "inputs": {"input": enc(x), "target": enc(y)},
            "params": {k: enc(p) for k, p in params.items()}, "output": enc(loss),
            "grads": dict(zip(params, map(enc, grads)))}


r = torch.randn  # float32


def ints(lo, hi, *shape):
    """float32 integers in [lo, hi): small ranges give max-pool windows with ties."""
    return torch.randint(lo, hi, shape).float()


def nonzero(*shape):
    """float32 normals moved 0.01 away from 0, relu's kink."""
    t = r(*shape)
    return torch.where(t < 0, t - 0.01, t + 0.01)


def pool(op, n, c, h, w, k, s, p, x=None):
    x = r(n, c, h, w) if x is None else x
    return op, {"kernel_size": list(k), "stride": list(s), "padding": list(p)}, {"input": x}


POOL_SHAPES = [  # N, C, H, W, kernel, stride, padding
    (1, 1, 4, 4, (2, 2), (2, 2), (0, 0)), (2, 3, 6, 6, (2, 2), (2, 2), (0, 0)), (1, 2, 7, 7, (3, 3), (3, 3), (0, 0)),
    (2, 2, 5, 7, (2, 3), (2, 3), (0, 0)), (1, 2, 5, 5, (2, 2), (1, 1), (0, 0)), (1, 1, 7, 8, (3, 3), (2, 2), (1, 1)),
    (2, 1, 6, 7, (2, 3), (1, 1), (1, 1)), (1, 3, 5, 6, (3, 3), (1, 1), (1, 0)), (1, 2, 9, 9, (3, 3), (2, 1), (1, 1)),
    (2, 2, 6, 9, (2, 3), (2, 2), (1, 1)), (1, 1, 7, 7, (2, 2), (3, 3), (0, 0)), (1, 2, 5, 5, (2, 2), (2, 2), (1, 1)),
]

FAMILIES = {  # file name -> groups of (op, attrs, inputs[, grad names]); built lazily after seeding
    "corr2d": lambda: [[("corr2d", {}, {"input": r(H, W), "kernel": r(h, w)}) for H, W, h, w in [
        (3, 3, 2, 2), (6, 8, 1, 2), (5, 7, 1, 2), (1, 5, 1, 2), (4, 4, 4, 4), (5, 3, 5, 3), (1, 1, 1, 1),
        (6, 5, 3, 2), (7, 7, 3, 3), (2, 6, 2, 1), (3, 4, 1, 1), (8, 6, 5, 4)]]],
    "conv2d": lambda: [[("conv2d", {"stride": list(s), "padding": list(p)},
                         {"input": r(n, c, h, w), "weight": r(o, c, kh, kw), **({"bias": r(o)} if b else {})})
                        for n, c, h, w, o, kh, kw, s, p, b in [
        (1, 1, 5, 5, 1, 3, 3, (1, 1), (0, 0), True), (2, 3, 7, 6, 4, 3, 3, (1, 1), (1, 1), True),
        (1, 2, 7, 5, 3, 3, 2, (2, 1), (0, 0), False), (3, 2, 9, 9, 2, 3, 3, (2, 2), (1, 1), True),
        (2, 3, 11, 13, 2, 2, 3, (3, 4), (2, 1), True), (1, 4, 6, 7, 5, 1, 1, (1, 1), (0, 0), True),
        (2, 3, 5, 5, 2, 1, 1, (2, 2), (0, 1), False), (1, 2, 3, 4, 3, 5, 6, (1, 1), (1, 1), True),
        (3, 1, 8, 8, 6, 5, 5, (1, 1), (2, 2), True), (2, 6, 7, 7, 16, 5, 5, (1, 1), (0, 0), True),
        (1, 3, 4, 5, 2, 2, 2, (3, 4), (0, 0), True), (2, 2, 5, 6, 3, 3, 1, (2, 1), (0, 1), False),
        (1, 1, 5, 5, 1, 5, 5, (1, 1), (0, 0), True), (1, 2, 9, 7, 2, 4, 2, (2, 2), (2, 1), True),
        (1, 2, 10, 9, 3, 3, 3, (3, 4), (1, 1), False), (2, 1, 3, 3, 2, 3, 3, (1, 1), (0, 0), False),
        # Rows wider than 16 outputs, channel counts off the CPU kernels' 6- and 8-channel tiles, tap counts
        # off their 4-tap tiles, and more samples than the batch splits into.
        (2, 3, 6, 35, 7, 3, 4, (1, 1), (1, 2), True), (9, 2, 5, 17, 13, 2, 2, (1, 1), (0, 0), True),
        (2, 1, 4, 33, 5, 1, 3, (1, 1), (0, 1), False), (3, 18, 4, 4, 9, 3, 3, (1, 1), (1, 1), True)]]],
    "pool2d": lambda: [
        [pool("max_pool2d", *a) for a in POOL_SHAPES],
        [pool("max_pool2d", n, c, h, w, k, s, p, ints(lo, hi, n, c, h, w)) for n, c, h, w, k, s, p, lo, hi in [  # ties
            (2, 2, 6, 6, (2, 2), (2, 2), (0, 0), 0, 3), (1, 2, 7, 7, (3, 3), (1, 1), (1, 1), 0, 3),
            (1, 3, 6, 8, (2, 3), (1, 2), (1, 1), -1, 2), (1, 1, 5, 5, (3, 3), (2, 2), (0, 0), 0, 2),
            (1, 1, 4, 5, (2, 2), (1, 1), (1, 1), 1, 2), (1, 2, 5, 6, (3, 3), (2, 1), (1, 1), -3, -1)]],
        [pool("max_pool2d", n, c, h, w, k, s, p, -(r(n, c, h, w).abs() + 0.5))  # all < 0, padded
         for n, c, h, w, k, s, p in [
            (1, 2, 5, 5, (2, 2), (2, 2), (1, 1)), (2, 1, 6, 7, (3, 3), (1, 1), (1, 1)),
            (1, 2, 4, 6, (2, 3), (2, 1), (1, 1)), (1, 1, 3, 3, (3, 3), (3, 3), (1, 1))]],
        [pool("avg_pool2d", *a) for a in POOL_SHAPES]],
    "linear": lambda: [[("linear", {}, {"input": r(n, i), "weight": r(o, i), "bias": r(o)}) for n, i, o in [
        (1, 1, 1), (2, 3, 4), (4, 5, 2), (3, 8, 1), (1, 6, 5), (5, 16, 10)]]],
    "matmul": lambda: [[("matmul", {}, {"a": r(n, k), "b": r(k, m)}) for n, k, m in [
        (1, 1, 1), (1, 4, 3), (3, 1, 2), (2, 3, 1), (4, 5, 6), (7, 3, 5), (1, 5, 1), (6, 8, 4)]]],
    "activations": lambda: [[(op, {}, {"input": nonzero(*s) * scale}) for s, scale in [
        ((5,), 1), ((3, 4), 1), ((2, 3, 4, 5), 1), ((1, 1), 1), ((4, 6), 4), ((3, 37), 40)]] for op in ("sigmoid", "relu", "tanh")],
    "log_softmax": lambda: [[("log_softmax", {"dim": d}, {"input": r(*s) * scale}) for s, scale in [
        ((2, 5), 1), ((4, 3), 1), ((1, 6), 1), ((5, 1), 1), ((3, 10), 10)]] for d in (1, 0)],
    "losses": lambda: [
        [("cross_entropy", {"reduction": "mean"}, {"input": r(n, c) * scale, "target": torch.randint(0, c, (n,))},
          ["input"]) for n, c, scale in [(1, 2, 1), (4, 3, 1), (3, 10, 1), (8, 5, 1), (2, 10, 5)]],
        *[[("mse_loss", {"reduction": red}, {"input": r(*s), "target": r(*s)}, ["input"])
           for s in [(1,), (5,), (3, 4), (2, 3, 4)]] for red in ("sum", "mean")]],
}


def main():
    os.makedirs(OUT, exist_ok=True)
    files = {}
    for name, build in FAMILIES.items():
        torch.manual_seed(zlib.crc32(name.encode()))
        files[name] = [case(f"{spec[0]}-{g}-{i}", *spec)  # id: op-group-index, group within its file
                       for g, specs in enumerate(build()) for i, spec in enumerate(specs)]
    torch.manual_seed(zlib.crc32(b"lenet"))
    files["lenet"] = [lenet_case(f"lenet-{g}-{i}", v, n)
                      for g, (v, ns) in enumerate([("d2l", (2,)), ("relu", (3,))]) for i, n in enumerate(ns)]
    for name, cases in files.items():
        with open(os.path.join(OUT, name + ".jsonl"), "w", encoding="ascii", newline="\n") as f:
            f.writelines(json.dumps(c, separators=(",", ":")) + "\n" for c in cases)
    ids = []
    for name in files:  # self-check: every line parses as JSON; ids are unique across files
        path = os.path.join(OUT, name + ".jsonl")
        with open(path, encoding="ascii") as f:
            cases = [json.loads(line) for line in f]
        ids += [c["id"] for c in cases]
        print(f"{name + '.jsonl':18s} {len(cases):3d} cases {os.path.getsize(path):9d} bytes")
    assert len(ids) == len(set(ids)), "duplicate case ids"

if __name__ == "__main__":
    main()
