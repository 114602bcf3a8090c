/**
 * What the Evaluate view waits for in the engine: evaluating the 10,000 MNIST test digits with
 * 784-800-10 (the confusion matrix, precision, recall, every digit's confidence) and serving the
 * galleries (the two of the view and the biggest confusion cell's).
 */
import { mlpArchitecture } from '../architecture';
import { Model } from '../nn/model';
import { Random } from '../random';
import { EvaluationCalls } from '../service/evaluation-calls';
import { loadDataset } from './dataset-files';

/**
 * Seconds for one evaluation with its galleries (best of `repeat`), the process's CPU seconds for
 * that run (on a busy machine the wall time waits for the cores; the CPU time does not), and the
 * digits evaluated.
 */
export function evaluationSeconds(repeat: number): { seconds: number; cpuSeconds: number; count: number } {
  const { test } = loadDataset({ kind: 'mnist' });
  if (!test) throw new Error('the bundled MNIST has no test set');
  const classes = test.classes;
  const model = new Model(mlpArchitecture([784, 800, classes.length], 'relu', 'cross_entropy', classes, [28, 28]), new Random(1));
  const target = { model, test, validation: null, epoch: 0, step: 0, stepsPerEpoch: 0 }; // untrained weights: their speed is the same
  const calls = new EvaluationCalls();
  let best = Infinity;
  let cpuSeconds = Infinity;
  for (let r = 0; r < repeat; r++) {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const s = calls.evaluate(target, 'test');
    let cell = { truth: 0, predicted: 0, n: -1 };
    const k = classes.length;
    for (let i = 0; i < k * k; i++) if (i % (k + 1) !== 0 && s.confusion[i] > cell.n) cell = { truth: Math.floor(i / k), predicted: i % k, n: s.confusion[i] };
    calls.gallery(target, 'test', { kind: 'cell', truth: cell.truth, predicted: cell.predicted }, 60);
    calls.gallery(target, 'test', { kind: 'wrong' }, 60);
    calls.gallery(target, 'test', { kind: 'unsure' }, 60);
    const cpu = process.cpuUsage(cpu0);
    best = Math.min(best, (performance.now() - t0) / 1000);
    cpuSeconds = Math.min(cpuSeconds, (cpu.user + cpu.system) / 1e6);
  }
  return { seconds: best, cpuSeconds, count: test.count };
}
