/** The exercise sandbox frame's policy: only its own script runs, nothing connects, only we embed it. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../../src-main/host/csp';
import { EXERCISE_FRAME_HEADER_POLICY, exerciseFrameHtml, exerciseFramePolicy } from '../../../src-main/host/exercise-frame';

const script = readFileSync('src-renderer/sandbox/frame-script.js', 'utf8');

describe('exercise frame', () => {
  it("allows exactly its own script by hash, Workers from blobs, and no connection", () => {
    const hash = createHash('sha256').update(script).digest('base64');
    expect(exerciseFramePolicy(script)).toBe(
      `default-src 'none'; script-src 'sha256-${hash}' 'unsafe-eval' blob:; worker-src blob:; connect-src 'none'; base-uri 'none'; form-action 'none'; object-src 'none'`,
    );
    expect(exerciseFrameHtml(script)).toContain(`<script>${script}</script>`);
    expect(exerciseFrameHtml(script)).toContain(`content="${exerciseFramePolicy(script)}"`);
  });

  it('is sent with a header that blocks connections and other embedders', () => {
    expect(EXERCISE_FRAME_HEADER_POLICY).toContain("connect-src 'none'");
    expect(EXERCISE_FRAME_HEADER_POLICY).toContain("frame-ancestors 'self'");
  });

  it("leaves the app page's policy strict: no eval, no inline script, no blob scripts; only our own frame", () => {
    const page = contentSecurityPolicy();
    expect(page).not.toMatch(/unsafe-eval|unsafe-inline|blob:.*script|script-src[^;]*blob:/);
    expect(page).toContain("script-src 'self';");
    expect(page).toContain("frame-src 'self';");
  });
});
