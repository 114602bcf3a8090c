import { readFileSync } from 'node:fs';
import { join } from 'node:path';

let cached: string | null = null;

/** The app's version from package.json (found from the working directory or this file's folders). */
export function appVersion(): string {
  if (cached) return cached;
  for (const dir of [process.cwd(), __dirname, join(__dirname, '..'), join(__dirname, '..', '..')]) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'scratchnet' && pkg.version) return (cached = pkg.version);
    } catch {
      // not here; look further up
    }
  }
  return (cached = '0.0.0');
}
