import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, devServerPolicy } from '../../../src-main/host/csp';

describe('Content-Security-Policy', () => {
  it('the dev server has one too: the built policy plus inline styles and the hot-reload socket', async () => {
    expect(devServerPolicy()).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; frame-src 'self'; " +
        "connect-src 'self' ws://localhost:* ws://127.0.0.1:*; base-uri 'none'; form-action 'none'; object-src 'none'; frame-ancestors 'none'",
    );
    // NOTE: a path in a variable: the type check does not take .mts imports
    const configFile = '../../../electron.vite.config.mts';
    const config: unknown = (await import(configFile)).default;
    const renderer = (config as { renderer: { server?: { headers?: Record<string, string> } } }).renderer;
    expect(renderer.server?.headers?.['Content-Security-Policy']).toBe(devServerPolicy());
    expect(contentSecurityPolicy()).not.toContain('unsafe');
  });
});
