import type { ErasureState, ExportState, JobProgress } from './privacy.schema';

export type { ErasureState, ExportState, JobProgress };

export interface DataExport {
  id: string;
  userId: string;
  requestedBy: string;
  state: ExportState;
  progress: JobProgress;
  archiveKey: string | null;
  size: number | null;
  error: string | null;
  attempts: number;
  createdAt: Date;
  finishedAt: Date | null;
  expiresAt: Date | null;
}

export interface Erasure {
  userId: string;
  requestedBy: string;
  state: ErasureState;
  requestedAt: Date;
  dueAt: Date;
  progress: JobProgress;
  completedAt: Date | null;
  attempts: number;
}
