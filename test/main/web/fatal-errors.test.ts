import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { shutDownOnFatalErrors } from '../../../src-main/web/fatal-errors';

describe('shutDownOnFatalErrors', () => {
  it('turns an uncaught exception or an unhandled rejection into one orderly shutdown with code 1', async () => {
    const proc = new EventEmitter();
    const codes: number[] = [];
    const lines: string[] = [];
    shutDownOnFatalErrors(proc as unknown as NodeJS.Process, async (code) => void codes.push(code), (line) => lines.push(line));
    proc.emit('uncaughtException', new TypeError('Invalid URL'));
    proc.emit('unhandledRejection', new Error('second'));
    expect(codes).toEqual([1]);
    expect(lines[0]).toMatch(/^Scratchnet's browser-mode host hit an unexpected error and is stopping \(a run that is going is saved first\):\nTypeError: Invalid URL/);
    expect(lines).toHaveLength(2);
  });
});
