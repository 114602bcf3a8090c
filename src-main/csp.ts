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
    `connect-src ${["'self'", ...connect].join(' ')}`,
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
    ...(header ? ["frame-ancestors 'none'"] : []),
  ].join('; ');
}
