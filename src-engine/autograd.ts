import { formatShape, Tensor } from './tensor';

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
 */
export function backward(root: Tensor, seed?: Float64Array): void {
  if (!root.requiresGrad) throw new Error('backward() on a tensor that does not require grad (was it computed inside noGrad, or from constants only?)');
  if (!seed && root.size !== 1) {
    throw new Error(`backward() needs a scalar loss, got shape ${formatShape(root.shape)}; reduce it with sum() or mean() first`);
  }
  const g = root.gradBuffer();
  if (seed) {
    if (seed.length !== root.size) throw new Error(`backward seed has ${seed.length} values, tensor has ${root.size}`);
    for (let i = 0; i < g.length; i++) g[i] += seed[i];
  } else {
    g[0] += 1;
  }
  const order = topoSort(root);
  for (let i = order.length - 1; i >= 0; i--) {
    const t = order[i];
    if (t.backwardFn && t.grad) t.backwardFn();
  }
}
