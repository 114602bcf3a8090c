/**
 * Browser mode's "the app was closed": the last page going away. A reload (F5) also drops the
 * page's WebSocket for a moment, so the host waits a grace period and acts only if no page has
 * connected again by then.
 */

/** How long the host waits for a page to come back before it counts as closed (ms). */
export const PAGE_GRACE_MS = 5_000;

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
