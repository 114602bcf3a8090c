import { empty, stateBufferOf } from './kernels/kernels';
import { formatShape, type Tensor } from './tensor';

/**
 * Order the graph below `root` so that every tensor comes after all tensors computed from it
 * is reversed: returns parents before children. Iterative DFS, so a 10,000-op chain cannot
 * overflow the call stack.
 */
export function topoSort(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  const stack: { t: Tensor; next: number }[] = [{ t: root, next: 0 }];
  visited.add(root);
  while (stack.length) {
    const top = stack[stack.length - 1];
    if (top.next < top.t.parents.length) {
      const p = top.t.parents[top.next++];
      if (!visited.has(p) && p.requiresGrad) {
        visited.add(p);
        stack.push({ t: p, next: 0 });
      }
    } else {
      order.push(top.t);
      stack.pop();
    }
  }
  return order;
}

/**
 * Backpropagate from `root`: adds ∂root/∂t into t.grad for every tensor t that requires grad.
 * Gradients accumulate (+=), so a tensor used twice gets both contributions, and calling
 * backward twice without zeroGrad adds twice, as in PyTorch.
 * @param seed ∂loss/∂root; defaults to 1 for a one-element root.
 * @param onStep told of each op just before its backward runs, in the order they run (a tape's backward half)
 */
export function backward(root: Tensor, seed?: Float64Array, onStep?: (t: Tensor) => void): void {
  if (!root.requiresGrad) throw new Error('backward() on a tensor that does not require grad (was it computed inside noGrad, or from constants only?)');
  if (!seed && root.size !== 1) {
    throw new Error(`backward() needs a scalar loss, got shape ${formatShape(root.shape)}; reduce it with sum() or mean() first`);
  }
  if (seed && seed.length !== root.size) throw new Error(`backward seed has ${seed.length} values, tensor has ${root.size}`);
  const dRoot = empty(root.size);
  if (seed) dRoot.set(seed);
  else dRoot[0] = 1;
  addGrad(root, dRoot);
  const order = topoSort(root);
  for (let i = order.length - 1; i >= 0; i--) {
    const t = order[i];
    if (!t.backwardFn || !t.grad || !t.parents.some((p) => p.requiresGrad)) continue;
    onStep?.(t);
    const dx = t.parents.map((p, j) => (p.requiresGrad ? contributionBuffer(t.parents, j) : null));
    t.backwardFn(t.grad, ...dx);
    t.parents.forEach((p, j) => dx[j] && addGrad(p, dx[j]));
  }
}

/** p.grad += dx; the first contribution becomes p.grad as it is. */
function addGrad(p: Tensor, dx: Float64Array): void {
  if (!p.grad) {
    p.grad = dx;
    return;
  }
  const g = p.grad;
  for (let i = 0; i < g.length; i++) g[i] += dx[i];
}

/**
 * Where an op writes its contribution to the gradient of parents[j].
 * NOTE: the first contribution is written straight into the buffer that becomes p.grad, so no
 * gradient is ever zero-filled and then added to; a later one (a tensor used twice, or a second
 * backward) goes to a temporary that addGrad adds in. A leaf's gradient (a parameter's) is state
 * that outlives the step, and keeps one buffer; any other lives for the step.
 */
function contributionBuffer(parents: readonly Tensor[], j: number): Float64Array {
  const p = parents[j];
  const first = !p.grad && parents.indexOf(p) === j;
  return first && !p.backwardFn ? stateBufferOf(p, p.size) : empty(p.size);
}
