import type { Database } from '../support.mts';

/** What every scenario gets from the suite. */
export interface ScenarioContext {
  database: Database;
  /** Measured runs per figure (the median is reported); at least 3 for a published table. */
  runs: number;
  /** Sections of earlier scenarios in this suite run (or the last published ones). */
  earlier: Record<string, Section | undefined>;
}

/** One scenario's results: a Markdown section for docs/benchmarks/results.md and its figures as JSON. */
export interface Section {
  title: string;
  date: string;
  markdown: string;
  figures: Record<string, unknown>;
}

export const fmt = (n: number) => (n > 0 && n < 1 ? n.toPrecision(2) : n.toLocaleString('en', { maximumFractionDigits: 1 }));

/** A fresh database name on the suite's server. */
export const databaseUri = (context: ScenarioContext, name: string) => `${context.database.baseUri}/bench_${name}_${Date.now()}`;

/** The database process, for CPU accounting ({} on MONGODB_URI). */
export const databasePids = (context: ScenarioContext): Record<string, number> => (context.database.pid ? { database: context.database.pid } : {});
