"""The numpy reference for `npm run bench`: the same MLP recipe as Scratchnet's engine
(He-normal init, ReLU, softmax cross-entropy, plain SGD, shuffled mini-batches, float64),
written the way a learner's notebook would, with numpy + its BLAS. Prints one JSON line
(epoch_seconds: every epoch in order)."""
import argparse, json, os, time
import numpy as np


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--layers", default="784,128,10")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    xtr = read_idx(os.path.join(a.data, "train-images-idx3-ubyte")).reshape(-1, 784)
    ytr = read_idx(os.path.join(a.data, "train-labels-idx1-ubyte")).astype(np.int64)
    xte = read_idx(os.path.join(a.data, "t10k-images-idx3-ubyte")).reshape(-1, 784) / 255.0
    yte = read_idx(os.path.join(a.data, "t10k-labels-idx1-ubyte")).astype(np.int64)
    sizes = [int(s) for s in a.layers.split(",")]
    rng = np.random.default_rng(a.seed)
    W = [rng.standard_normal((i, o)) * np.sqrt(2.0 / i) for i, o in zip(sizes[:-1], sizes[1:])]
    b = [np.zeros(o) for o in sizes[1:]]
    n = len(xtr)
    times = []
    for _ in range(a.epochs):
        t0 = time.perf_counter()
        order = rng.permutation(n)
        for s in range(0, n, a.batch):
            idx = order[s:s + a.batch]
            x = xtr[idx] / 255.0
            acts = [x]
            for l in range(len(W)):
                z = acts[-1] @ W[l] + b[l]
                acts.append(np.maximum(z, 0) if l < len(W) - 1 else z)
            z = acts[-1]
            e = np.exp(z - z.max(axis=1, keepdims=True))
            dz = e / e.sum(axis=1, keepdims=True)
            dz[np.arange(len(idx)), ytr[idx]] -= 1
            dz /= len(idx)
            for l in range(len(W) - 1, -1, -1):
                dW = acts[l].T @ dz
                db = dz.sum(axis=0)
                if l > 0:
                    dz = (dz @ W[l].T) * (acts[l] > 0)
                W[l] -= a.lr * dW
                b[l] -= a.lr * db
        times.append(time.perf_counter() - t0)
    h = xte
    for l in range(len(W)):
        h = h @ W[l] + b[l]
        if l < len(W) - 1:
            h = np.maximum(h, 0)
    acc = float((h.argmax(axis=1) == yte).mean())
    seconds = sum(times)
    print(json.dumps({"seconds_per_epoch": seconds / a.epochs, "samples_per_second": n * a.epochs / seconds,
                      "best_epoch_seconds": min(times), "epoch_seconds": times, "test_accuracy": acc,
                      "numpy": np.__version__}))


if __name__ == "__main__":
    main()
