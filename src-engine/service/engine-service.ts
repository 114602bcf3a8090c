import { kernels } from '../kernels/kernels';
import type { DatasetSource, EngineCallName, EngineCalls, KernelsInfo } from '../protocol';
import { EvaluationCalls } from './evaluation-calls';
import { DatasetCache } from './held-model';
import { Inspection } from './inspection';
import { RunControl } from './run-control';
import { StepInside } from './step-inside';
import type { ServiceDeps } from './service-deps';
import { isThreadCount } from './thread-count';

export type { KernelsControl, ServiceDeps } from './service-deps';

/**
 * The engine's dispatcher: answers the protocol's calls, each by the part whose job it is: run
 * control (run-control.ts) or inspection (inspection.ts). Pure: all I/O comes through deps.
 */
export class EngineService {
  private readonly deps: ServiceDeps;
  private readonly run: RunControl;
  private readonly inspect: Inspection;
  private readonly evaluation = new EvaluationCalls();
  private readonly step: StepInside;

  constructor(deps: ServiceDeps) {
    this.deps = deps;
    const datasets = new DatasetCache((source) => deps.loadDataset(source));
    this.run = new RunControl(deps, datasets);
    this.inspect = new Inspection(() => this.run.held(), datasets);
    this.step = new StepInside(() => this.run.held());
  }

  /** One handler per call; arguments come off the wire, so each checks its own. */
  private readonly handlers: { [K in EngineCallName]: (a: Record<string, unknown>) => EngineCalls[K]['result'] } = {
    'train:start': (a) => this.run.start(a.config, a.resume, a.stopAfter),
    'train:pause': () => this.run.pause(),
    'train:resume': () => this.run.resume(),
    'train:stop': () => this.run.stop(),
    'model:load': (a) => this.run.load(a.bytes, a.fileName),
    'model:save': () => this.run.save(),
    'model:weights': () => this.inspect.weights(),
    'model:predict': (a) => this.inspect.predict(a.pixels, a.saliency === true),
    'dataset:info': (a) => this.inspect.datasetInfo(a.source as DatasetSource),
    'dataset:sample': (a) => this.inspect.sample(a.which, a.after),
    'dataset:digits': (a) => this.inspect.digits(a.split, a.start, a.count),
    'engine:kernels': () => this.kernelsInfo(),
    'engine:set-threads': (a) => this.setThreads(a.threads),
    'train:lr-find': (a) => this.run.lrFind(a.config),
    'model:evaluate': (a) => this.evaluation.evaluate(this.run.held(), a.split),
    'model:gallery': (a) => this.evaluation.gallery(this.run.held(), a.split, a.query, a.limit),
    'model:hidden': (a) => this.evaluation.hidden(this.run.held(), a.split, a.layer, a.count),
    'step:trace': (a) => this.step.trace(a.example, a.label, a.lr, a.weights),
    'step:apply': () => this.step.apply(),
    'step:neuron': (a) => this.step.neuron(a.layer, a.unit),
    'step:gradcheck': (a) => this.step.gradcheck(a.param, a.row, a.col),
  };

  /** Answer one call; throws an Error with a user-facing message on bad input. */
  handle<K extends EngineCallName>(call: K, args: EngineCalls[K]['args']): EngineCalls[K]['result'] {
    if (typeof call !== 'string' || !Object.hasOwn(this.handlers, call)) throw new Error(`unknown engine call "${String(call)}"`);
    const a = typeof args === 'object' && args !== null ? (args as Record<string, unknown>) : {};
    return (this.handlers[call] as (a: Record<string, unknown>) => EngineCalls[K]['result'])(a);
  }

  private kernelsInfo(): KernelsInfo {
    return this.deps.kernels?.info() ?? { name: kernels().name, threads: 1, maxThreads: 1 };
  }

  private setThreads(threads: unknown): KernelsInfo {
    const { maxThreads } = this.kernelsInfo();
    if (!isThreadCount(threads, maxThreads)) {
      throw new Error(`the thread count must be a whole number from 1 to ${maxThreads} on this machine (got ${String(threads)})`);
    }
    if (this.run.busy()) {
      // NOTE: a run's buffers live in its backend's memory; a new backend would copy them on every call.
      throw new Error('stop the run before changing the thread count (results are the same with any count)');
    }
    return this.deps.kernels?.setThreads(threads) ?? this.kernelsInfo();
  }
}
