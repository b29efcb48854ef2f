"""The bench's torch-cpu peer: one cell (workload, mode) timed in PyTorch on the CPU.

Reads a JSON cell description on stdin (the workload exactly as apps/bench/src/workloads.ts defines it, the
mode, the seed, the timing options and the thread count) and prints one JSON line with the timings, in the
same shape as measure.ts's Timings, plus peak RSS and facts about the PyTorch build. The timing loop is the
one of measure.ts: warm up, calibrate the batches per repetition, then time the repetitions.
"""

import json
import resource
import sys
import time

import numpy as np
import torch
from torch import nn


def glorot(weight):
    nn.init.xavier_uniform_(weight)


def dense_layer(in_features, spec):
    lin = nn.Linear(in_features, spec["units"])
    glorot(lin.weight)
    nn.init.zeros_(lin.bias)
    mods = [lin]
    if spec["activation"] == "relu":
        mods.append(nn.ReLU())
    # softmax is folded into the loss (cross_entropy on logits) and applied at inference.
    return mods, spec["units"]


class Recurrent(nn.Module):
    """SimpleRNN / LSTM / GRU with Keras's initialisers; returns the last step or every step."""

    def __init__(self, kind, in_features, units, return_sequences):
        super().__init__()
        cls = {"simpleRNN": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[kind]
        self.rnn = cls(in_features, units, batch_first=True)
        self.return_sequences = return_sequences
        gates = {"simpleRNN": 1, "lstm": 4, "gru": 3}[kind]
        for g in range(gates):
            sl = slice(g * units, (g + 1) * units)
            nn.init.xavier_uniform_(self.rnn.weight_ih_l0.data[sl])
            nn.init.orthogonal_(self.rnn.weight_hh_l0.data[sl])
        nn.init.zeros_(self.rnn.bias_ih_l0)
        nn.init.zeros_(self.rnn.bias_hh_l0)
        if kind == "lstm":
            # Keras unitForgetBias: forget-gate bias 1 (PyTorch's gate order is i, f, g, o).
            self.rnn.bias_ih_l0.data[units : 2 * units] = 1.0

    def forward(self, x):
        out, _ = self.rnn(x)
        return out if self.return_sequences else out[:, -1, :]


def batch_norm(channels):
    # Keras: epsilon 1e-3, momentum 0.999 (PyTorch's momentum is the weight of the new batch: 1 - 0.999).
    return nn.BatchNorm2d(channels, eps=1e-3, momentum=0.001)


def conv(cin, cout, k, stride=1, groups=1):
    """A bias-free convolution; 3x3 at stride 1 pads 1 ('same'); stride 2 is padded by ZeroPad2d first."""
    c = nn.Conv2d(cin, cout, k, stride, padding=(k // 2 if stride == 1 else 0), groups=groups, bias=False)
    glorot(c.weight)
    return c


class InvertedResidual(nn.Module):
    """One MobileNetV2 block as Keras builds it: expand 1x1, depthwise 3x3, linear project 1x1, maybe + input."""

    def __init__(self, b):
        super().__init__()
        cin, hidden, cout, stride = b["inChannels"], b["inChannels"] * b["expansion"], b["filters"], b["stride"]
        mods = []
        if b["id"] != 0:
            mods += [conv(cin, hidden, 1), batch_norm(hidden), nn.ReLU6()]
        if stride == 2:
            mods.append(nn.ZeroPad2d((0, 1, 0, 1)))  # Keras: ZeroPadding2D(((0, 1), (0, 1))), then 'valid'
        mods += [conv(hidden, hidden, 3, stride, groups=hidden), batch_norm(hidden), nn.ReLU6()]
        mods += [conv(hidden, cout, 1), batch_norm(cout)]
        self.body = nn.Sequential(*mods)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.body(x)
        return x + y if self.residual else y


class MobileNetV2Trunk(nn.Module):
    """Keras's MobileNetV2 up to the global average pooling, from the architecture apps/bench/src/mobilenet.ts
    describes (sent in the layer spec); frozen when not trainable (then always in eval mode, as Keras runs a
    frozen BatchNormalization in inference mode)."""

    def __init__(self, arch, trainable):
        super().__init__()
        stem, last_in = arch["stemFilters"], arch["blocks"][-1]["filters"]
        mods = [nn.ZeroPad2d((0, 1, 0, 1)), conv(3, stem, 3, 2), batch_norm(stem), nn.ReLU6()]
        mods += [InvertedResidual(b) for b in arch["blocks"]]
        mods += [conv(last_in, arch["lastFilters"], 1), batch_norm(arch["lastFilters"]), nn.ReLU6()]
        mods += [nn.AdaptiveAvgPool2d(1), nn.Flatten()]
        self.body = nn.Sequential(*mods)
        self.trainable = trainable
        for p in self.parameters():
            p.requires_grad_(trainable)

    def train(self, mode=True):
        return super().train(mode and self.trainable)

    def forward(self, x):
        return self.body(x)


def build_model(w):
    shape = list(w["inputShape"])  # channels-last, as the workload says; the data is made NCHW
    layers = []
    features = None
    if len(shape) == 3:
        h, wd, c = shape
    for spec in w["layers"]:
        kind = spec["kind"]
        if kind == "dense":
            n_in = features if features is not None else shape[-1]
            mods, features = dense_layer(n_in, spec)
            layers += mods
        elif kind == "conv2d":
            k = spec["kernelSize"]
            conv = nn.Conv2d(c, spec["filters"], k, padding="same" if spec["padding"] == "same" else 0)
            glorot(conv.weight)
            nn.init.zeros_(conv.bias)
            layers += [conv, nn.ReLU()]
            c = spec["filters"]
            if spec["padding"] == "valid":
                h, wd = h - k + 1, wd - k + 1
        elif kind == "maxPool":
            p = spec["poolSize"]
            layers.append(nn.MaxPool2d(p))
            h, wd = h // p, wd // p
        elif kind == "flatten":
            layers.append(nn.Flatten())
            features = c * h * wd
        elif kind == "dropout":
            layers.append(nn.Dropout(spec["rate"]))
        elif kind == "embedding":
            emb = nn.Embedding(spec["inputDim"], spec["outputDim"])
            nn.init.uniform_(emb.weight, -0.05, 0.05)
            layers.append(emb)
            features = spec["outputDim"]
        elif kind == "mobilenetV2":
            layers.append(MobileNetV2Trunk(spec["architecture"], spec["trainable"]))
            features = spec["architecture"]["lastFilters"]
        elif kind in ("simpleRNN", "lstm", "gru"):
            n_in = features if features is not None else shape[-1]
            layers.append(Recurrent(kind, n_in, spec["units"], spec.get("returnSequences", False)))
            features = spec["units"]
        else:
            raise ValueError(f"bench_torch: unknown layer kind {kind!r}")
    return nn.Sequential(*layers)


def make_inputs(w, n, rng):
    shape = list(w["inputShape"])
    if w.get("task") == "next-token":
        steps = shape[0]
        x = torch.from_numpy(rng.integers(0, w["classes"], size=(n, steps), dtype=np.int64))
        y = torch.from_numpy(rng.integers(0, w["classes"], size=(n, steps), dtype=np.int64))
        return x, y
    if len(shape) == 3:
        shape = [shape[2], shape[0], shape[1]]  # NCHW
    x = torch.from_numpy(rng.uniform(-1, 1, size=[n] + shape).astype(np.float32))
    y = torch.from_numpy(rng.integers(0, w["classes"], size=(n,), dtype=np.int64))
    return x, y


class ModelSession:
    def __init__(self, w, mode, seed):
        torch.manual_seed(seed)
        self.w, self.mode = w, mode
        self.rng = np.random.default_rng(seed)
        self.model = build_model(w)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=0.001, betas=(0.9, 0.999), eps=1e-7)
        self.batches = []

    def prepare(self, count):
        b = self.w["batchSize"]
        x, y = make_inputs(self.w, count * b, self.rng)
        self.batches = [(x[i * b : (i + 1) * b], y[i * b : (i + 1) * b]) for i in range(count)]

    def run(self):
        if self.mode == "train":
            self.model.train()
            for x, y in self.batches:
                self.opt.zero_grad(set_to_none=True)
                logits = self.model(x)
                loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
                loss.backward()
                self.opt.step()
                loss.item()  # read back, as fit reads its loss
        else:
            self.model.eval()
            with torch.no_grad():
                for x, _ in self.batches:
                    torch.softmax(self.model(x), dim=-1).numpy()


class MatmulSession:
    def __init__(self, w, mode, seed):
        rng = np.random.default_rng(seed)
        n = w["n"]
        self.mode = mode
        self.a = torch.from_numpy(rng.uniform(-1, 1, size=(n, n)).astype(np.float32))
        self.b = torch.from_numpy(rng.uniform(-1, 1, size=(n, n)).astype(np.float32))
        self.count = 1

    def prepare(self, count):
        self.count = count

    def run(self):
        for _ in range(self.count):
            if self.mode == "train":
                a = self.a.detach().requires_grad_(True)
                b = self.b.detach().requires_grad_(True)
                (a @ b).sum().backward()
                outs = [a.grad, b.grad]
            else:
                with torch.no_grad():
                    outs = [self.a @ self.b]
        for t in outs:
            t.numpy()


def batches_for(seconds_per_batch, bytes_per_batch, o):
    by_time = -(-o["minRepSeconds"] // seconds_per_batch) if seconds_per_batch > 0 else o["maxBatchesPerRep"]
    by_bytes = o["maxDataBytes"] // max(1, bytes_per_batch)
    return int(max(1, min(by_time, o["maxBatchesPerRep"], by_bytes)))


def timed(f):
    t0 = time.perf_counter()
    f()
    return time.perf_counter() - t0


def measure(session, bytes_per_batch, o):
    session.prepare(1)
    last = timed(session.run)
    if last * (o["warmup"] - 1 + o["reps"]) > o["maxCellSeconds"]:
        return {"batchesPerRep": 1, "repSeconds": [last], "estimate": True}
    for _ in range(1, o["warmup"]):
        last = timed(session.run)
    per_rep = 1
    for _ in range(3):
        wanted = batches_for(last / per_rep, bytes_per_batch, o)
        if wanted <= per_rep:
            break
        per_rep = wanted
        session.prepare(per_rep)
        last = timed(session.run)
    reps = [timed(session.run) for _ in range(o["reps"])]
    return {"batchesPerRep": per_rep, "repSeconds": reps, "estimate": False}


def blas_library():
    """The BLAS library this process loaded (Debian's torch uses whichever libblas.so.3 is selected)."""
    (torch.ones(64, 64) @ torch.ones(64, 64)).numpy()
    with open("/proc/self/maps") as maps:
        libs = {line.split()[-1] for line in maps if "blas" in line.lower()}
    names = sorted({lib.rsplit("/", 1)[-1] for lib in libs})
    return ", ".join(names) if names else "unknown"


def main():
    spec = json.loads(sys.stdin.read())
    torch.set_num_threads(int(spec["threads"]))
    w, mode = spec["workload"], spec["mode"]
    if w["kind"] == "matmul":
        session = MatmulSession(w, mode, spec["seed"])
        bytes_per_batch = 4
    else:
        session = ModelSession(w, mode, spec["seed"])
        per_example = int(np.prod(w["inputShape"]))
        bytes_per_batch = 4 * w["batchSize"] * (per_example + 1)
    timings = measure(session, bytes_per_batch, spec["timing"])
    facts = {}
    if w["kind"] == "model":
        # Keras's count: parameters plus the BatchNormalization moving statistics (not num_batches_tracked).
        m = session.model
        stats = sum(b.numel() for name, b in m.named_buffers() if name.endswith(("running_mean", "running_var")))
        facts["weights"] = sum(p.numel() for p in m.parameters()) + stats
    facts |= {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "blas": blas_library(),
        "mkldnn": bool(torch.backends.mkldnn.is_available()),
        "layout": "NCHW images (PyTorch's native layout)",
    }
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({**timings, "peakRssMiB": peak, "facts": facts}))


if __name__ == "__main__":
    main()
