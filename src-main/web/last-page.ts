/**
 * Browser mode's "the app was closed": the last page going away. A reload (F5) also drops the
 * page's WebSocket for a moment, so the host waits a grace period and acts only if no page has
 * connected again by then.
 */

import { UsageError } from '../../src-engine/node/cli-args';

/** How long the host waits for a page to come back before it counts as closed (ms). */
export const PAGE_GRACE_MS = 5_000;

/** The grace in force: SCRATCHNET_PAGE_GRACE_MS (whole milliseconds, 0 or more) when set, else PAGE_GRACE_MS. */
export function pageGraceMs(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.SCRATCHNET_PAGE_GRACE_MS;
  if (text === undefined || text === '') return PAGE_GRACE_MS;
  const ms = Number(text);
  if (!Number.isSafeInteger(ms) || ms < 0) throw new UsageError(`SCRATCHNET_PAGE_GRACE_MS must be a whole number of milliseconds, 0 or more (got ${text})`);
  return ms;
}

/**
 * The `onConnections` hook of the web host that calls `onClosed` once no page has been open for
 * `graceMs`; a page that connects within it cancels the call.
 */
export function whenLastPageCloses(onClosed: () => void, graceMs = PAGE_GRACE_MS): (count: number) => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return (count) => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (count > 0) return;
    timer = setTimeout(() => {
      timer = null;
      onClosed();
    }, graceMs);
    // NOTE: a pending check must not keep the process alive on its own.
    timer.unref?.();
  };
}
