/**
 * The projection worker: runs PCA or UMAP (lib/projection.ts) off the UI thread and reports its
 * progress. Messages are typed in projection-messages.ts.
 */
import { projectRows } from './projection';
import type { ProjectionReply, ProjectionRequest } from './projection-messages';

const post = (m: ProjectionReply, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

self.onmessage = (e: MessageEvent<ProjectionRequest>) => {
  const { id, method, rows, n, d } = e.data;
  const started = performance.now();
  try {
    const points = projectRows(method, rows, n, d, (p) => post({ type: 'progress', id, ...p }));
    post({ type: 'done', id, points, seconds: (performance.now() - started) / 1000 }, [points.buffer]);
  } catch (error) {
    post({ type: 'error', id, message: error instanceof Error ? error.message : String(error) });
  }
};
