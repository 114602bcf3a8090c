/**
 * A model as a Jupyter notebook (nbformat 4) that opens it with numpy alone, rebuilds the
 * network, evaluates it on the MNIST test files, recomputes one example's forward pass, backward
 * pass and SGD step by hand and asserts that they are Scratchnet's (whose numbers it embeds),
 * then loads the same file into PyTorch and trains on with the same recipe.
 */
import { describeArchitecture } from '../architecture';
import type { Checkpoint } from '../checkpoint/codec';
import type { ExampleStep } from './example-step';

export interface NotebookOptions {
  /** Absolute path of the model file at export time, and its SHA-256 (hex). */
  modelPath: string;
  modelSha256: string;
  /** Absolute path of the folder with the MNIST-layout test (and train) files. */
  dataDir: string;
  /** The example and its index among the test images the notebook reads. */
  example: ExampleStep;
  exampleIndex: number;
  /** Scratchnet's evaluation on dataDir's test files (null when it did not run there). */
  test: { count: number; correct: number } | null;
  created: string;
  appVersion: string;
}

/** Why a notebook cannot express this architecture, or null when it can. */
export function notebookProblem(c: Checkpoint): string | null {
  for (const [i, l] of c.architecture.layers.entries()) {
    if (!['linear', 'relu', 'leaky_relu', 'sigmoid', 'tanh', 'dropout'].includes(l.type)) {
      return `The notebook export cannot express layer ${i} (${(l as { type: string }).type}): its numpy code knows linear, relu, leaky_relu, sigmoid, tanh and dropout layers.`;
    }
  }
  return null;
}

/** A Python string literal (JSON's escapes are Python's). */
const py = (s: string) => JSON.stringify(s);

type Cell = { cell_type: 'markdown' | 'code'; source: string };

function cellJson(cell: Cell, i: number) {
  const lines = cell.source.split('\n').map((l, k, all) => (k < all.length - 1 ? l + '\n' : l));
  return cell.cell_type === 'code'
    ? { cell_type: 'code', id: `cell-${i}`, metadata: {}, execution_count: null, outputs: [], source: lines }
    : { cell_type: 'markdown', id: `cell-${i}`, metadata: {}, source: lines };
}

/** The notebook's JSON text. Throws notebookProblem's sentence for a model it cannot express. */
export function buildNotebook(c: Checkpoint, o: NotebookOptions): string {
  const problem = notebookProblem(c);
  if (problem) throw new Error(problem);
  const fileName = o.modelPath.split(/[\\/]/).pop() ?? o.modelPath;
  const trained = c.training ? `${c.training.epoch} epoch${c.training.epoch === 1 ? '' : 's'} with ${c.training.config.optimizer}, learning rate ${c.training.config.lr}` : 'by another tool';
  const embedded = {
    example_index: o.exampleIndex,
    image_hex: Array.from(o.example.image, (b) => b.toString(16).padStart(2, '0')).join(''),
    label: o.example.label,
    layer_outputs: o.example.layerOutputs,
    loss: o.example.loss,
    grads: o.example.grads,
    lr: o.example.lr,
    after_step: o.example.afterStep,
    loss_after_step: o.example.lossAfterStep,
    test: o.test,
  };
  const cells: Cell[] = [
    {
      cell_type: 'markdown',
      source: `# ${fileName}: a Scratchnet model in numpy and PyTorch

A ${describeArchitecture(c.architecture)} network with ${c.architecture.loss} loss, trained ${trained}; exported from Scratchnet ${o.appVersion} on ${o.created}.

This notebook opens the model file with numpy alone, rebuilds the network, measures it on the MNIST test digits, and recomputes one example's forward pass, backward pass and one SGD step by hand, checking every number against what Scratchnet computed for the same example (embedded below). The last section loads the same file into PyTorch and trains on.

**Paths.** The next cell holds the absolute paths of the model file and of the MNIST files as they were on the machine that exported this notebook. On another machine, or if the files moved, set \`MODEL_PATH\` and \`DATA_DIR\` (a model file of the same name next to the notebook is found by itself). \`DATA_DIR\` is a folder with \`t10k-images-idx3-ubyte\` and \`t10k-labels-idx1-ubyte\` (and the \`train-\` files for the last section), raw or \`.gz\`.`,
    },
    {
      cell_type: 'code',
      source: `import os

MODEL_PATH = ${py(o.modelPath)}
DATA_DIR = ${py(o.dataDir)}

EXPORTED_DATA_DIR = ${py(o.dataDir)}
MODEL_SHA256 = ${py(o.modelSha256)}  # the file as exported: a file trained further is refused below
if not os.path.exists(MODEL_PATH) and os.path.exists(os.path.basename(MODEL_PATH)):
    MODEL_PATH = os.path.basename(MODEL_PATH)  # moved here together with the notebook`,
    },
    {
      cell_type: 'markdown',
      source: `Scratchnet's own numbers for one test example (index ${o.exampleIndex}), computed by its autograd engine at export: every layer's output, the loss, the gradients, and the parameters after one SGD step. Tensors of more than a few thousand values are given by their norm, their sum and a sample of entries.`,
    },
    { cell_type: 'code', source: `import json\n\nSCRATCHNET = json.loads(r"""${JSON.stringify(embedded)}""")` },
    {
      cell_type: 'markdown',
      source: `## 1. Open the model with numpy alone

A \`.safetensors\` file is 8 bytes (a little-endian integer: the length of a JSON header), the JSON header, then the raw little-endian float64 numbers. The header says where each tensor's bytes are; its \`__metadata__\` holds the architecture. Parameters are named as in PyTorch: \`0.weight\` with shape [out, in], \`0.bias\`, \`2.weight\`, ... (activation layers count too). \`optim.*\` tensors are the optimizer's state.`,
    },
    {
      cell_type: 'code',
      source: `import gzip
import hashlib
import struct

import numpy as np

with open(MODEL_PATH, "rb") as f:
    raw = f.read()
digest = hashlib.sha256(raw).hexdigest()
if digest != MODEL_SHA256:
    raise RuntimeError(f"{MODEL_PATH} is not the file this notebook was exported from (its SHA-256 differs): "
                       "was it trained further? Export the notebook again from Scratchnet.")

(header_len,) = struct.unpack("<Q", raw[:8])
header = json.loads(raw[8:8 + header_len])
metadata = header.pop("__metadata__")
arch = json.loads(metadata["architecture"])
training = json.loads(metadata.get("training", "null"))
tensors = {}
for name, t in header.items():
    begin, end = t["data_offsets"]  # a byte range of the data after the header
    dtype = np.dtype({"F64": "<f8", "F32": "<f4"}[t["dtype"]])  # Scratchnet writes F64; other tools may write F32
    values = np.frombuffer(raw, dtype=dtype, count=(end - begin) // dtype.itemsize, offset=8 + header_len + begin)
    tensors[name] = values.astype(np.float64).reshape(t["shape"])
params = {name: t for name, t in tensors.items() if not name.startswith("optim.")}

print("architecture:", json.dumps(arch["layers"]))
for name, t in params.items():
    print(f"{name:10} {str(list(t.shape)):12} mean {t.mean():+.4f}  std {t.std():.4f}")`,
    },
    {
      cell_type: 'markdown',
      source: `## 2. Rebuild the network

The input is the image's bytes, flattened row-major, times \`arch["input"]["scale"]\`; a linear layer is \`h @ W.T + b\`.`,
    },
    {
      cell_type: 'code',
      source: `def sigmoid(z):
    e = np.exp(-np.abs(z))  # NOTE: never overflows, for large inputs of either sign
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def forward(x, p):
    """Every layer's output for inputs x [batch, pixels] (already scaled) and parameters p."""
    outputs, h = [], x
    for i, layer in enumerate(arch["layers"]):
        kind = layer["type"]
        if kind == "linear":
            h = h @ p[f"{i}.weight"].T + p[f"{i}.bias"]
        elif kind == "relu":
            h = np.maximum(h, 0)
        elif kind == "leaky_relu":
            h = np.where(h > 0, h, layer.get("slope", 0.01) * h)
        elif kind == "sigmoid":
            h = sigmoid(h)
        elif kind == "tanh":
            h = np.tanh(h)
        elif kind == "dropout":
            pass  # NOTE: dropout acts only while training; at inference it is the identity
        else:
            raise ValueError(f"unknown layer type {kind!r}")
        outputs.append(h)
    return outputs


def predict(out):
    """The class of each row: the largest output, or for one (bce) logit class 1 when it is > 0."""
    return (out[:, 0] > 0).astype(np.int64) if out.shape[1] == 1 else out.argmax(axis=1)`,
    },
    {
      cell_type: 'markdown',
      source: `## 3. Evaluate on the MNIST test set`,
    },
    {
      cell_type: 'code',
      source: `def read_idx(stem):
    """An IDX file of DATA_DIR (raw or .gz) as a uint8 array of its shape."""
    for name in (stem, stem + ".gz"):
        path = os.path.join(DATA_DIR, name)
        if os.path.exists(path):
            with (gzip.open if name.endswith(".gz") else open)(path, "rb") as f:
                data = f.read()
            dims = struct.unpack(">" + "I" * data[3], data[4:4 + 4 * data[3]])
            return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * data[3]).reshape(dims)
    raise FileNotFoundError(f"{DATA_DIR} has no {stem} (or {stem}.gz): set DATA_DIR in the first cell")


def model_classes(images, labels):
    """A model trained on some digits only (e.g. 3 vs 7) numbers its classes in that order."""
    chosen = ((training or {}).get("config") or {}).get("classes") or []
    if not chosen:
        return images, labels.astype(np.int64)
    keep = np.isin(labels, chosen)
    return images[keep], np.array([chosen.index(v) for v in labels[keep]], dtype=np.int64)


pixels = int(np.prod(arch["input"]["shape"]))
test_images, test_labels = model_classes(read_idx("t10k-images-idx3-ubyte"), read_idx("t10k-labels-idx1-ubyte"))
if test_images[0].size != pixels:
    raise ValueError(f"the test images have {test_images[0].size} pixels but the model takes {pixels}: set DATA_DIR")
x_test = test_images.reshape(len(test_images), -1).astype(np.float64) * arch["input"]["scale"]
correct = int((predict(forward(x_test, params)[-1]) == test_labels).sum())
print(f"accuracy: {correct / len(test_labels):.2%} ({correct} of {len(test_labels)} test images)")
if SCRATCHNET["test"] and DATA_DIR == EXPORTED_DATA_DIR:
    assert (correct, len(test_labels)) == (SCRATCHNET["test"]["correct"], SCRATCHNET["test"]["count"]), "Scratchnet counted otherwise"
    print("the same as Scratchnet's evaluation of these images")`,
    },
    {
      cell_type: 'markdown',
      source: `## 4. One example by hand: forward, backward, one SGD step

The example's bytes are embedded, so this section needs no data files. First the forward pass, layer by layer.`,
    },
    {
      cell_type: 'code',
      source: `ex = SCRATCHNET
image = np.frombuffer(bytes.fromhex(ex["image_hex"]), dtype=np.uint8)
label = ex["label"]
x = image.astype(np.float64).reshape(1, -1) * arch["input"]["scale"]
print(f"test image {ex['example_index']}, class {arch['classes'][label]!r}")


def check(what, mine, theirs):
    """Assert numpy's numbers are Scratchnet's (relative 1e-9): all of them, or a norm, a sum and a sample."""
    mine = np.asarray(mine, dtype=np.float64)
    if isinstance(theirs, dict):
        assert list(mine.shape) == theirs["shape"], f"{what}: shape {mine.shape}, Scratchnet's {theirs['shape']}"
        if "values" in theirs:
            mine, theirs = mine.ravel(), np.array(theirs["values"])
        else:
            flat = mine.ravel()
            mine = np.concatenate([[np.linalg.norm(flat), flat.sum()], flat[theirs["indices"]]])
            theirs = np.concatenate([[theirs["norm"], theirs["sum"]], theirs["sampled"]])
    theirs = np.asarray(theirs, dtype=np.float64).reshape(mine.shape)
    diff = float(np.max(np.abs(mine - theirs))) if mine.size else 0.0
    assert np.allclose(mine, theirs, rtol=1e-9, atol=1e-12), f"{what}: numpy and Scratchnet differ by up to {diff:.3g}"
    print(f"{what:34} = Scratchnet's (largest difference {diff:.1e})")


outputs = forward(x, params)
for i, (layer, h) in enumerate(zip(arch["layers"], outputs)):
    check(f"layer {i} ({layer['type']}) output", h[0], ex["layer_outputs"][i])`,
    },
    {
      cell_type: 'markdown',
      source: `The loss, and its gradient with respect to the network's output: for cross-entropy \`softmax - onehot\`, for MSE \`2 (y - onehot) / n\`, for binary cross-entropy \`sigmoid(z) - label\`.`,
    },
    {
      cell_type: 'code',
      source: `def loss_and_grad(out, label):
    """The loss of one example's output and d loss / d output."""
    kind = arch["loss"]
    if kind == "cross_entropy":
        lse = out.max() + np.log(np.exp(out - out.max()).sum())  # log-sum-exp, stable
        grad = np.exp(out - lse)
        grad[label] -= 1
        return lse - out[label], grad
    if kind == "mse":
        target = np.eye(len(out))[label]
        return np.mean((out - target) ** 2), 2 * (out - target) / len(out)
    z = out[0]  # bce: one logit
    return max(z, 0) - z * label + np.log1p(np.exp(-abs(z))), np.array([sigmoid(z) - label])


loss, dout = loss_and_grad(outputs[-1][0], label)
check(f"{arch['loss']} loss", loss, ex["loss"])`,
    },
    {
      cell_type: 'markdown',
      source: `Backward, from the last layer to the first: a linear layer's weight gradient is the outer product of the gradient arriving at its output and its input; the gradient passed on is \`g @ W\`; an activation multiplies by its derivative.`,
    },
    {
      cell_type: 'code',
      source: `grads = {}
g = dout.reshape(1, -1)
for i in reversed(range(len(arch["layers"]))):
    layer, inp, out = arch["layers"][i], (x if i == 0 else outputs[i - 1]), outputs[i]
    kind = layer["type"]
    if kind == "linear":
        grads[f"{i}.weight"] = g.T @ inp  # [out, 1] @ [1, in]
        grads[f"{i}.bias"] = g.sum(axis=0)
        g = g @ params[f"{i}.weight"]
    elif kind == "relu":
        g = g * (inp > 0)
    elif kind == "leaky_relu":
        g = np.where(inp > 0, g, layer.get("slope", 0.01) * g)
    elif kind == "sigmoid":
        g = g * out * (1 - out)
    elif kind == "tanh":
        g = g * (1 - out ** 2)
    # dropout: the identity here (the example is computed as at inference), so g passes unchanged
for name in params:
    check(f"gradient of {name}", grads[name], ex["grads"][name])`,
    },
    {
      cell_type: 'markdown',
      source: `One plain SGD step, \`W ← W - lr · dW\` with the recipe's learning rate (no momentum), and the loss on the same example after it.`,
    },
    {
      cell_type: 'code',
      source: `lr = ex["lr"]
stepped = {name: params[name] - lr * grads[name] for name in params}
for name in params:
    check(f"{name} after the step", stepped[name], ex["after_step"][name])
loss_after, _ = loss_and_grad(forward(x, stepped)[-1][0], label)
check("loss after the step", loss_after, ex["loss_after_step"])
print(f"the step took the loss from {loss:.6f} to {loss_after:.6f}")`,
    },
    {
      cell_type: 'markdown',
      source: `## 5. The same file in PyTorch

The names and layouts are PyTorch's, so the parameters load with \`load_state_dict\` (strict) into the equivalent \`nn.Sequential\`. Then training goes on with the same recipe (optimizer, learning rate, momentum, weight decay, batch size), starting from Scratchnet's optimizer state (momentum or Adam's moments), for \`STEPS\` batches. (To bring a PyTorch model back, see \`save_for_scratchnet\` in Scratchnet's \`examples/load_pytorch.py\`.) Without PyTorch this section says so and does nothing.`,
    },
    {
      cell_type: 'code',
      source: `try:
    import torch
    from torch import nn
except ImportError:
    torch = None
    print("PyTorch is not installed here: skipping this section (pip install torch).")

if torch is not None:
    layers = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh}
    model = nn.Sequential(*[
        nn.Linear(l["in"], l["out"]) if l["type"] == "linear"
        else nn.LeakyReLU(l.get("slope", 0.01)) if l["type"] == "leaky_relu"
        else nn.Dropout(l["p"]) if l["type"] == "dropout"
        else layers[l["type"]]()
        for l in arch["layers"]
    ]).double()
    model.load_state_dict({name: torch.from_numpy(t.copy()) for name, t in params.items()})
    model.eval()  # NOTE: inference, as Scratchnet evaluates: dropout layers pass everything through
    with torch.no_grad():
        check("PyTorch's output for the example", model(torch.from_numpy(x))[0].numpy(), ex["layer_outputs"][-1])
        torch_correct = int((predict(model(torch.from_numpy(x_test)).numpy()) == test_labels).sum())
    assert torch_correct == correct, f"PyTorch gets {torch_correct} right, numpy {correct}"
    print(f"PyTorch's accuracy: {torch_correct / len(test_labels):.2%}, the same as numpy's")`,
    },
    {
      cell_type: 'code',
      source: `STEPS = 300

if torch is not None:
    recipe = (training or {}).get("config") or {"optimizer": "sgd", "lr": 0.05, "momentum": 0.9, "nesterov": False, "weightDecay": 0, "batch": 64, "seed": 1}
    kind, lr, decay = recipe["optimizer"], recipe["lr"], recipe.get("weightDecay", 0)
    if kind == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=recipe["momentum"], nesterov=recipe["nesterov"], weight_decay=decay)
    else:
        opt = (torch.optim.AdamW if kind == "adamw" else torch.optim.Adam)(model.parameters(), lr=lr, weight_decay=decay)
    for name, p in model.named_parameters():  # carry Scratchnet's optimizer state over
        if f"optim.{name}.momentum" in tensors:
            opt.state[p]["momentum_buffer"] = torch.from_numpy(tensors[f"optim.{name}.momentum"].copy())
        if f"optim.{name}.m" in tensors:
            opt.state[p].update(step=torch.tensor(float(training["step"])), exp_avg=torch.from_numpy(tensors[f"optim.{name}.m"].copy()),
                                exp_avg_sq=torch.from_numpy(tensors[f"optim.{name}.v"].copy()))
    functional = torch.nn.functional
    def torch_loss(out, y):
        if arch["loss"] == "cross_entropy":
            return functional.cross_entropy(out, y)
        if arch["loss"] == "mse":
            return functional.mse_loss(out, functional.one_hot(y, out.shape[1]).double())
        return functional.binary_cross_entropy_with_logits(out[:, 0], y.double())

    train_images, train_labels = model_classes(read_idx("train-images-idx3-ubyte"), read_idx("train-labels-idx1-ubyte"))
    train_images = train_images.reshape(len(train_images), -1)
    order = np.random.default_rng(recipe.get("seed", 1)).permutation(len(train_labels))
    batch = recipe["batch"]
    print(f"{kind}, learning rate {lr} (held constant), batch {batch}: {STEPS} steps")
    model.train()
    for step in range(STEPS):
        idx = order[(step * batch) % len(order):][:batch]
        xb = torch.from_numpy(train_images[idx].astype(np.float64) * arch["input"]["scale"])
        opt.zero_grad()
        loss = torch_loss(model(xb), torch.from_numpy(train_labels[idx]))
        loss.backward()
        opt.step()
        if step % 50 == 0 or step == STEPS - 1:
            print(f"step {step:4}: loss {loss.item():.4f}")
    assert np.isfinite(loss.item()), "the loss is not finite: lower the learning rate"
    model.eval()
    with torch.no_grad():
        after = int((predict(model(torch.from_numpy(x_test)).numpy()) == test_labels).sum())
    print(f"test accuracy after {STEPS} more steps in PyTorch: {after / len(test_labels):.2%} (was {correct / len(test_labels):.2%})")`,
    },
  ];
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' },
      language_info: { name: 'python' },
      scratchnet: { model: fileName, sha256: o.modelSha256, exported: o.created, app_version: o.appVersion },
    },
    cells: cells.map(cellJson),
  };
  return JSON.stringify(notebook, null, 1) + '\n';
}
