import type { CommandStartedEvent, MongoClient } from 'mongodb';
import type { Connection } from 'mongoose';

/** A query that no declared index serves on MongoDB. */
export interface Unindexed {
  collection: string;
  command: string;
  filter: unknown;
  sort: unknown;
}

type Filter = Record<string, unknown>;

/**
 * Records every command the driver sends (command monitoring) and checks each filter and sort
 * against the indexes the schemas declare, by MongoDB's rule for using an index at all: the
 * filter (each `$or` branch) names the index's first field, or the sort starts with it. A query
 * that passes no test is what MongoDB's `notablescan` refuses: a collection scan.
 * (FerretDB answers only `{_id: value}` from an index; this audits the MongoDB side.)
 */
export class QueryAuditor {
  readonly unindexed: Unindexed[] = [];
  private readonly indexes = new Map<string, string[][]>();

  constructor(connection: Connection) {
    for (const model of Object.values(connection.models)) {
      const keys = model.schema.indexes().map(([fields]) => Object.keys(fields));
      this.indexes.set(model.collection.collectionName, [['_id'], ...keys]);
    }
    const client = connection.getClient() as unknown as MongoClient;
    client.on('commandStarted', (event: CommandStartedEvent) => this.audit(event));
  }

  /** The filter and sort of each query a command runs, if it runs any. */
  private queries(event: CommandStartedEvent): { collection: string; filter: Filter; sort?: Filter }[] {
    const command = event.command as Record<string, unknown>;
    const collection = String(command[event.commandName]);
    switch (event.commandName) {
      case 'find':
        return [{ collection, filter: (command.filter ?? {}) as Filter, sort: command.sort as Filter | undefined }];
      case 'findAndModify':
        return [{ collection, filter: (command.query ?? {}) as Filter, sort: command.sort as Filter | undefined }];
      case 'count':
      case 'distinct':
        return [{ collection, filter: (command.query ?? {}) as Filter }];
      case 'update':
        return (command.updates as { q: Filter }[]).map((u) => ({ collection, filter: u.q }));
      case 'delete':
        return (command.deletes as { q: Filter }[]).map((d) => ({ collection, filter: d.q }));
      case 'aggregate': {
        const [first, second] = command.pipeline as Filter[];
        return [{ collection, filter: (first?.$match ?? {}) as Filter, sort: (second?.$sort ?? undefined) as Filter | undefined }];
      }
      default:
        return [];
    }
  }

  private audit(event: CommandStartedEvent): void {
    for (const query of this.queries(event)) {
      const indexes = this.indexes.get(query.collection);
      if (!indexes) continue; // not one of our collections (dropDatabase, admin commands)
      const sortFirst = query.sort instanceof Map ? [...query.sort.keys()][0] : query.sort ? Object.keys(query.sort)[0] : undefined;
      const served = branches(query.filter).every((fields) => indexes.some(([first]) => fields.has(first) || first === sortFirst));
      const sort = query.sort instanceof Map ? Object.fromEntries(query.sort) : query.sort;
      if (!served) this.unindexed.push({ collection: query.collection, command: event.commandName, filter: query.filter, sort });
    }
  }
}

/** The field sets of a filter's alternatives: one per `$or` branch (with the rest of the filter), `$and` flattened. */
function branches(filter: Filter): Set<string>[] {
  const own = new Set<string>();
  let alternatives: Set<string>[] = [new Set()];
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and') {
      for (const part of value as Filter[]) alternatives = alternatives.flatMap((a) => branches(part).map((b) => new Set([...a, ...b])));
    } else if (key === '$or') {
      const ors = (value as Filter[]).flatMap(branches);
      alternatives = alternatives.flatMap((a) => ors.map((b) => new Set([...a, ...b])));
    } else if (!key.startsWith('$')) own.add(key);
  }
  return alternatives.map((a) => new Set([...a, ...own]));
}
