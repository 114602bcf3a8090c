/**
 * The renderer's Content-Security-Policy, one definition for the page's meta tag (both modes)
 * and the browser-mode host's response header. No remote content, no inline scripts or styles.
 */

/**
 * The policy; `connect` adds sources for connect-src (the browser-mode WebSocket). `header`
 * adds frame-ancestors, which browsers only honour in a response header, not in a meta tag.
 */
export function contentSecurityPolicy(connect: string[] = [], header = false): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    // the Build it view's sandbox (exercise-frame.ts): our own page, in an opaque-origin iframe
    "frame-src 'self'",
    `connect-src ${["'self'", ...connect].join(' ')}`,
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
    ...(header ? ["frame-ancestors 'none'"] : []),
  ].join('; ');
}

/**
 * The policy of the dev server (`electron-vite dev`), sent as a header: the built page's, except
 * that Vite's hot reload injects <style> elements and talks over its own WebSocket.
 */
export function devServerPolicy(): string {
  return contentSecurityPolicy(['ws://localhost:*', 'ws://127.0.0.1:*'], true).replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");
}
