/**
 * The page the Build it view runs learner code in: loaded in an iframe sandboxed to an opaque
 * origin, with its own Content-Security-Policy. Its one inline script (frame-script.js, allowed
 * by its hash) starts Workers from blob URLs; the policy lets nothing connect anywhere
 * (connect-src 'none'), load any other script, or frame anything. The app page's policy stays
 * as strict as before: it only gains frame-src 'self' for this page.
 */
import { createHash } from 'node:crypto';

/** The frame's file name in the built renderer folder. */
export const EXERCISE_FRAME_FILE = 'exercise-frame.html';

/** The frame's policy (its meta tag): only its own script, blob Workers, and eval inside them. */
export function exerciseFramePolicy(script: string): string {
  const hash = createHash('sha256').update(script).digest('base64');
  return [
    "default-src 'none'",
    // NOTE: 'unsafe-eval' is for the learner's code in the Worker (new Function), in this opaque
    // origin only; blob: is the Worker itself, made by the frame from the bundle the app sends.
    `script-src 'sha256-${hash}' 'unsafe-eval' blob:`,
    'worker-src blob:',
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
  ].join('; ');
}

/**
 * What the browser-mode host sends with the frame, added to its meta policy (both are enforced):
 * no connections, and only our own page may embed it.
 */
export const EXERCISE_FRAME_HEADER_POLICY = "connect-src 'none'; base-uri 'none'; form-action 'none'; object-src 'none'; frame-ancestors 'self'";

/** The frame's HTML around its script. */
export function exerciseFrameHtml(script: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="UTF-8" />
<meta http-equiv="Content-Security-Policy" content="${exerciseFramePolicy(script)}" />
<title>Scratchnet exercise sandbox</title>
</head>
<body>
<script>${script}</script>
</body>
</html>
`;
}
