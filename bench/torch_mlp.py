"""The PyTorch reference for `npm run bench`: the same MLP recipe as Scratchnet's engine and
bench/numpy_mlp.py (He-normal init, ReLU, softmax cross-entropy, plain SGD, shuffled
mini-batches), written as a learner would with torch.nn and autograd, in float64 or float32 on
a given number of threads. Prints one JSON line; seconds_per_epoch is the fastest epoch,
epoch_seconds every epoch in order."""
import argparse, json, os, time

from numpy_mlp import read_idx  # the same IDX reader as the numpy reference, beside this file


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--layers", default="784,128,10")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    import numpy as np
    import torch
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    dtype = getattr(torch, a.dtype)

    xtr = torch.from_numpy(read_idx(os.path.join(a.data, "train-images-idx3-ubyte")).reshape(-1, 784).copy())
    ytr = torch.from_numpy(read_idx(os.path.join(a.data, "train-labels-idx1-ubyte")).astype(np.int64))
    xte = torch.from_numpy(read_idx(os.path.join(a.data, "t10k-images-idx3-ubyte")).reshape(-1, 784).copy()).to(dtype) / 255.0
    yte = torch.from_numpy(read_idx(os.path.join(a.data, "t10k-labels-idx1-ubyte")).astype(np.int64))
    sizes = [int(s) for s in a.layers.split(",")]
    layers = []
    for l, (i, o) in enumerate(zip(sizes[:-1], sizes[1:])):
        lin = torch.nn.Linear(i, o).to(dtype)
        torch.nn.init.kaiming_normal_(lin.weight, nonlinearity="relu")
        torch.nn.init.zeros_(lin.bias)
        layers.append(lin)
        if l < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=a.lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    n = len(xtr)
    times = []
    for _ in range(a.epochs):
        t0 = time.perf_counter()
        order = torch.randperm(n)
        for s in range(0, n, a.batch):
            idx = order[s:s + a.batch]
            x = xtr[idx].to(dtype) / 255.0
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), ytr[idx])
            loss.backward()
            opt.step()
        times.append(time.perf_counter() - t0)
    with torch.no_grad():
        acc = float((model(xte).argmax(dim=1) == yte).double().mean())
    best = min(times)
    print(json.dumps({"seconds_per_epoch": best, "samples_per_second": n / best, "epoch_seconds": times, "test_accuracy": acc,
                      "torch": torch.__version__, "dtype": a.dtype, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
