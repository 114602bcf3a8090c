/**
 * Checks on what the engine worker sends back: the host trusts nothing that crosses a process
 * boundary, so a malformed reply or event is refused with a reason instead of reaching the UI.
 */
import type { EngineEvent, WorkerMessage } from '../../src-engine/protocol';

const EVENT_TYPES: ReadonlySet<EngineEvent['type']> = new Set([
  'batch', 'epoch', 'weights', 'checkpoint', 'state', 'done', 'error', 'health',
] satisfies EngineEvent['type'][]);

/** The message, or a string saying why it is refused. */
export function parseWorkerMessage(raw: unknown): WorkerMessage | string {
  if (typeof raw !== 'object' || raw === null) return `expected an object, got ${raw === null ? 'null' : typeof raw}`;
  const m = raw as Record<string, unknown>;
  if (m.kind === 'reply') {
    if (typeof m.id !== 'number' || !Number.isInteger(m.id)) return 'reply without an integer id';
    if (m.ok === true) return { kind: 'reply', id: m.id, ok: true, result: m.result };
    if (m.ok === false && typeof m.error === 'string') return { kind: 'reply', id: m.id, ok: false, error: m.error };
    return `reply ${m.id} has neither a result nor an error message`;
  }
  if (m.kind === 'event') {
    const e = m.event as Record<string, unknown> | null;
    if (typeof e !== 'object' || e === null || !EVENT_TYPES.has(e.type as EngineEvent['type'])) {
      return `event of unknown type ${JSON.stringify(e && typeof e === 'object' ? e.type : e)}`;
    }
    if (e.type === 'batch' && !(e.losses instanceof Float64Array)) return 'batch event whose losses are not a Float64Array';
    if (e.type === 'checkpoint' && !(e.bytes instanceof Uint8Array)) return 'checkpoint event without bytes';
    if (e.type === 'error' && typeof e.message !== 'string') return 'error event without a message';
    if (e.type === 'health' && !Array.isArray(e.samples)) return 'health event without samples';
    return { kind: 'event', event: e as unknown as EngineEvent };
  }
  return `unknown message kind ${JSON.stringify(m.kind)}`;
}
