/** Messages between the app and the projection worker, keyed on `type`. */
import type { ProjectionMethod } from './projection';

export interface ProjectionRequest {
  id: number;
  method: ProjectionMethod;
  /** [n, d] hidden activations */
  rows: Float32Array;
  n: number;
  d: number;
}

export type ProjectionReply =
  | { type: 'progress'; id: number; stage: string; fraction: number }
  | { type: 'done'; id: number; points: Float32Array; seconds: number }
  | { type: 'error'; id: number; message: string };
