import { execFile, execFileSync } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
export const FERRETDB_VERSION = 'v1.24.2';

/**
 * Changes made to FerretDB's source before building it. Each must match exactly once, or the
 * build stops: a new FERRETDB_VERSION means reviewing them.
 */
export const FERRETDB_PATCHES = [
  {
    file: 'internal/backends/sqlite/metadata/metadata.go',
    from: `IDColumn = DefaultColumn + "->'$._id'"`,
    to: 'IDColumn = DefaultColumn + `->"_id"`',
    why:
      "The SQLite backend indexes _id as _ferretdb_sjson->\"_id\" but looks it up, updates and deletes by _ferretdb_sjson->'$._id': " +
      'the same value, yet a different expression, so SQLite never uses the index and every read, update or delete by _id ' +
      'scans the whole collection (30 ms at 10,000 documents, linear in size). Querying by the indexed expression makes ' +
      'them index lookups (about 1 ms at any size). docs/embedded-database.md.',
  },
  // Atomic single-document writes (the next four): FerretDB 1.x applies update, findAndModify and
  // delete as "read the matching documents, change them in Go, write them back" outside any
  // transaction, so two concurrent $inc on one document lose one, and a conditional update can have
  // several winners (upstream #3040). These serialise those three commands per collection inside
  // the FerretDB process, which is what makes a conditional write a compare-and-set, as on MongoDB,
  // for every client of that process (several API processes included). Inserts need no lock: the
  // unique _id index decides a race.
  {
    file: 'internal/handler/handler.go',
    from: 'type Handler struct {',
    to:
      '// collectionLocks serialises the read-modify-write commands of one collection (project patch).\n' +
      'var collectionLocks sync.Map\n\n' +
      '// lockCollection locks the collection and returns the unlock.\n' +
      'func lockCollection(db, collection string) func() {\n' +
      '\tv, _ := collectionLocks.LoadOrStore(db+"."+collection, new(sync.Mutex))\n' +
      '\tm := v.(*sync.Mutex)\n' +
      '\tm.Lock()\n' +
      '\treturn m.Unlock\n' +
      '}\n\n' +
      'type Handler struct {',
    why: 'The per-collection lock used by the three patches below (atomic single-document writes).',
  },
  {
    file: 'internal/handler/msg_update.go',
    from: '\t_ = params.Ordered\n',
    to: '\t_ = params.Ordered\n\n\tdefer lockCollection(params.DB, params.Collection)()\n',
    why: '`update` (updateOne/updateMany, upserts) reads, modifies and writes back under the collection lock.',
  },
  {
    file: 'internal/handler/msg_findandmodify.go',
    from: '\tres, err := h.findAndModifyDocument(connCtx, params)\n',
    to: '\tunlock := lockCollection(params.DB, params.Collection)\n\tres, err := h.findAndModifyDocument(connCtx, params)\n\tunlock()\n',
    why: '`findAndModify` (findOneAndUpdate/Delete) is one compare-and-set under the collection lock.',
  },
  {
    file: 'internal/handler/msg_delete.go',
    from: '\tparams, err := common.GetDeleteParams(document, h.L)\n\tif err != nil {\n\t\treturn nil, lazyerrors.Error(err)\n\t}\n',
    to: '\tparams, err := common.GetDeleteParams(document, h.L)\n\tif err != nil {\n\t\treturn nil, lazyerrors.Error(err)\n\t}\n\n\tdefer lockCollection(params.DB, params.Collection)()\n',
    why: '`delete` with a filter deletes what it matched, not what a concurrent update has since changed.',
  },
  // Index use for conditional writes and $in (the next three).
  {
    file: 'internal/backends/sqlite/id_pushdown.go',
    create: 'package sqlite\n\nimport (\n\t"fmt"\n\t"strings"\n\n\t"github.com/FerretDB/FerretDB/internal/backends/sqlite/metadata"\n\t"github.com/FerretDB/FerretDB/internal/handler/sjson"\n\t"github.com/FerretDB/FerretDB/internal/types"\n\t"github.com/FerretDB/FerretDB/internal/util/must"\n)\n\n// maxPushedIDs bounds an _id $in answered from the index (SQLite\'s bound parameters).\nconst maxPushedIDs = 1000\n\n// idWhereClause (a patch of this project\'s build) narrows a query to the _id index when the\n// filter\'s top level holds `_id: <string or ObjectId>` or `_id: {$in: [<strings or ObjectIds>]}`,\n// whatever else the filter says: the handler applies the whole filter to what comes back, so\n// only the _id part needs to be exact here. Upstream pushes down only a filter that is nothing\n// but `{_id: value}` (FerretDB#3235), which makes a conditional update a scan.\nfunc idWhereClause(filter *types.Document) (string, []any) {\n\tv, err := filter.Get("_id")\n\tif err != nil {\n\t\treturn "", nil\n\t}\n\n\tswitch v := v.(type) {\n\tcase string, types.ObjectID:\n\t\treturn fmt.Sprintf(` WHERE %s = ?`, metadata.IDColumn), []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}\n\tcase *types.Document:\n\t\tif v.Len() != 1 {\n\t\t\treturn "", nil\n\t\t}\n\t\tin, err := v.Get("$in")\n\t\tif err != nil {\n\t\t\treturn "", nil\n\t\t}\n\t\tvalues, ok := in.(*types.Array)\n\t\tif !ok || values.Len() == 0 || values.Len() > maxPushedIDs {\n\t\t\treturn "", nil\n\t\t}\n\t\targs := make([]any, 0, values.Len())\n\t\tfor i := 0; i < values.Len(); i++ {\n\t\t\tvalue := must.NotFail(values.Get(i))\n\t\t\tswitch value.(type) {\n\t\t\tcase string, types.ObjectID:\n\t\t\t\targs = append(args, string(must.NotFail(sjson.MarshalSingleValue(value))))\n\t\t\tdefault:\n\t\t\t\treturn "", nil\n\t\t\t}\n\t\t}\n\t\tplaceholders := strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ")\n\t\treturn fmt.Sprintf(` WHERE %s IN (%s)`, metadata.IDColumn, placeholders), args\n\t}\n\n\treturn "", nil\n}\n',
    why: 'idWhereClause: a filter with a top-level _id equality or _id $in (strings or ObjectIds) reads by the _id index, whatever else it says.',
  },
  {
    file: 'internal/backends/sqlite/collection.go',
    from: '\tvar whereClause string\n\tvar args []any\n\n\t// that logic should exist in one place\n\t// TODO https://github.com/FerretDB/FerretDB/issues/3235\n\tif params.Filter.Len() == 1 {\n\t\tv, _ := params.Filter.Get("_id")\n\t\tswitch v.(type) {\n\t\tcase string, types.ObjectID:\n\t\t\twhereClause = fmt.Sprintf(` WHERE %s = ?`, metadata.IDColumn)\n\t\t\targs = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}\n\t\t}\n\t}\n\n\tq += whereClause\n',
    to: '\t// An _id equality or $in anywhere at the top of the filter is answered from the _id index (project patch).\n\twhereClause, args := idWhereClause(params.Filter)\n\n\tq += whereClause\n',
    why:
      'Upstream answers from the _id index only a filter that is exactly {_id: value}, so every conditional write ' +
      '({_id, status: ...}) and every _id $in (a list of users) scanned the whole collection: under the message loop 64% ' +
      "of FerretDB's CPU was decoding documents that a receipt's conditional update then threw away, and the cost grew with the " +
      'messages collection. Query reads by the index and the handler applies the rest of the filter, as it always does.',
  },
  {
    file: 'internal/backends/sqlite/collection.go',
    from: '\tif params.Filter.Len() == 1 {\n\t\tv, _ := params.Filter.Get("_id")\n\t\tswitch v.(type) {\n\t\tcase string, types.ObjectID:\n\t\t\tfilterPushdown = true\n\t\t\twhereClause = fmt.Sprintf(` WHERE %s = ?`, metadata.IDColumn)\n\t\t\targs = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}\n\t\t}\n\t}\n',
    to: '\tif whereClause, args = idWhereClause(params.Filter); whereClause != "" {\n\t\tfilterPushdown = true\n\t}\n',
    why: 'explain reports the same plan as Query (the filter is pushed down when idWhereClause narrows it).',
  },
  // Writers queue in Go (the next two).
  {
    file: 'internal/util/fsql/writer_lock.go',
    create: 'package fsql\n\nimport "sync"\n\n// writerLocks holds one mutex per database (a project patch): SQLite lets one writer in at a time.\nvar writerLocks sync.Map\n\n// lockWriter queues a write transaction behind the others of its database, here in Go, and\n// returns the unlock. Without it, colliding writers wait in SQLite\'s busy handler, which sleeps\n// 1, 2, 5, 10 ... 100 ms between tries: the time is lost even when the writer ahead is long done.\nfunc lockWriter(db *DB) func() {\n\tv, _ := writerLocks.LoadOrStore(db, new(sync.Mutex))\n\tm := v.(*sync.Mutex)\n\tm.Lock()\n\n\treturn m.Unlock\n}\n',
    why: 'lockWriter: one mutex per SQLite database, taken by every write transaction.',
  },
  {
    file: 'internal/util/fsql/db.go',
    from: '\tvar sqlTx *sql.Tx\n\n\tif sqlTx, err = db.sqlDB.BeginTx(ctx, nil); err != nil {',
    to: '\tvar sqlTx *sql.Tx\n\n\tdefer lockWriter(db)()\n\n\tif sqlTx, err = db.sqlDB.BeginTx(ctx, nil); err != nil {',
    why:
      'SQLite has one writer at a time; FerretDB starts every insert and update transaction at once on its own connection, so ' +
      "writers that collide wait in SQLite's busy handler, which sleeps in steps of 1 to 100 ms. Under the message loop both " +
      'processes were two-thirds idle while acks waited seconds. Queuing write transactions on a mutex hands the lock over in microseconds.',
  },
  // Leak tracking off outside debug builds (the next two).
  {
    file: 'internal/util/resource/resource.go',
    from: 'func Track(obj any, token *Token) {\n',
    to: 'func Track(obj any, token *Token) {\n\tif !debugbuild.Enabled {\n\t\treturn // project patch: leak tracking only in debug builds\n\t}\n\n',
    why:
      "FerretDB tracks every iterator and connection object for leaks in every build: a pprof profile entry (a stack walk) and a " +
      'finalizer per object, about 9% of its CPU under the message loop. The finalizer only panics on a leak, which is a debug ' +
      'aid; release builds (ours) skip the tracking.',
  },
  {
    file: 'internal/util/resource/resource.go',
    from: 'func Untrack(obj any, token *Token) {\n',
    to: 'func Untrack(obj any, token *Token) {\n\tif !debugbuild.Enabled {\n\t\treturn // project patch: leak tracking only in debug builds\n\t}\n\n',
    why: 'Untrack matches Track (nothing was tracked).',
  },
  // One-pass document decoding (the next three; the Go files are in libs/embedded-db/ferretdb-patches).
  {
    file: 'internal/handler/sjson/sjson.go',
    from: '// Unmarshal decodes the top-level document.\n// It decodes document\'s schema from the `$s` field and uses it to decode the data of the document.\nfunc Unmarshal(data []byte) (*types.Document, error) {',
    to: "// unmarshalSlow is upstream's Unmarshal, kept for what the one-pass decoder does not expect (project patch: sjson_fast.go).\nfunc unmarshalSlow(data []byte) (*types.Document, error) {",
    why: "Upstream's decoder becomes the fallback of the one-pass decoder below.",
  },
  {
    file: 'internal/handler/sjson/sjson_fast.go',
    createFrom: 'sjson_fast.go',
    why:
      'FerretDB decodes every stored document with encoding/json once per nesting level and then once per value, each ' +
      'through a new json.Decoder: under a conversation list that was over half of its CPU. The patch reads the schema and the ' +
      "values in one pass and builds the same document; anything unexpected goes to upstream's decoder, so the result or the " +
      'error is always upstream\'s.',
  },
  {
    file: 'internal/handler/sjson/sjson_fast_test.go',
    createFrom: 'sjson_fast_test.go',
    test: './internal/handler/sjson/',
    why: "The one-pass decoder against upstream's on 20,000 random documents and on broken input; run before the binary is installed.",
  },
  // An update command's statements each release their SQLite connection (the next two).
  {
    file: 'internal/handler/msg_update.go',
    from: '\t\tcloser := iterator.NewMultiCloser()\n\t\tdefer closer.Close()\n',
    to: '\t\tcloser := iterator.NewMultiCloser()\n',
    why:
      "Upstream defers each statement's iterator close to the end of the whole command, so every statement of a multi-statement " +
      '`update` (a bulkWrite of updateOne operations) keeps a pooled SQLite connection open; at about a hundred statements the ' +
      'pool is empty, the next statement waits for a connection forever while it holds the collection lock and, inside its ' +
      "transaction, the database's writer lock: every write to the database stops. Measured here: a 300-statement bulkWrite hung FerretDB.",
  },
  {
    file: 'internal/handler/msg_update.go',
    from: '\t\tresult, err := common.UpdateDocument(ctx, c, "update", iter, &u)\n',
    to: '\t\tresult, err := common.UpdateDocument(ctx, c, "update", iter, &u)\n\t\tcloser.Close() // project patch: this statement\'s iterator, now\n',
    why: "The statement's iterator is closed as soon as the statement is done (nothing between its creation and here returns).",
  },
  // One update command, one commit (the next four; the Go files are in libs/embedded-db/ferretdb-patches).
  {
    file: 'internal/handler/msg_update.go',
    from: '\tfor _, u := range params.Updates {\n',
    to: '\tpending := new(pendingUpdates) // project patch: batched_updates.go\n\tdefer pending.close(ctx)\n\n\tfor _, u := range params.Updates {\n',
    why:
      'Upstream writes each statement of an `update` command back in a transaction of its own, so a bulkWrite of N updateOne ' +
      "operations cost N commits, each taking the database's one writer in turn: batching updates bought nothing (PITFALLS). " +
      'The statements now hold what they write back and write it in one transaction when the command ends.',
  },
  {
    file: 'internal/handler/msg_update.go',
    from: '\t\tvar qp backends.QueryParams\n',
    to: '\t\tc = pending.wrap(c)\n\n\t\tvar qp backends.QueryParams\n',
    why: "Each statement reads and writes through the pending set: a read that may see a held document writes the held ones first.",
  },
  {
    file: 'internal/handler/msg_update.go',
    from: '\treturn matched, modified, &upserted, nil\n',
    to: '\tif err := pending.flush(ctx); err != nil {\n\t\treturn 0, 0, nil, lazyerrors.Error(err)\n\t}\n\n\treturn matched, modified, &upserted, nil\n',
    why: 'The command answers only once its writes are committed (an acknowledged write is durable, as before).',
  },
  {
    file: 'internal/handler/batched_updates.go',
    createFrom: 'batched_updates.go',
    why: 'pendingUpdates: the held documents, the flush before a read that may see them or an upsert, and the write at the end.',
  },
  {
    file: 'internal/handler/batched_updates_test.go',
    createFrom: 'batched_updates_test.go',
    test: './internal/handler/',
    why: 'pendingUpdates against a recording collection: one write at the end, reads see what came before, upserts keep their order.',
  },
  // A statement's duplicate key is its own write error, and `ordered` is honoured (the next nine; the Go file is in libs/embedded-db/ferretdb-patches).
  {
    file: 'internal/handler/msg_update.go',
    from: '\tmatched, modified, upserted, err := h.updateDocument(connCtx, params)\n',
    to: '\tvar failed statementWriteErrors // project patch: update_write_errors.go\n\n\tmatched, modified, upserted, err := h.updateDocument(connCtx, params, &failed)\n',
    why:
      'Upstream failed a whole `update` command at its first statement whose upsert hit an existing `_id`, reported it as statement 0, ' +
      'and ran none of the statements after it even when unordered. MongoDB reports each such statement as its own write error and runs ' +
      'the others, so a bulkWrite of conditional upserts tells which conditions held (ConversationRepository.beginInsert relies on it).',
  },
  {
    file: 'internal/handler/msg_update.go',
    from: 'func (h *Handler) updateDocument(ctx context.Context, params *common.UpdateParams) (int32, int32, *types.Array, error) {\n',
    to: 'func (h *Handler) updateDocument(ctx context.Context, params *common.UpdateParams, failed *statementWriteErrors) (int32, int32, *types.Array, error) {\n',
    why: 'updateDocument records the failed statements for the reply.',
  },
  {
    file: 'internal/handler/msg_update.go',
    from: '\tfor _, u := range params.Updates {\n',
    to: '\tfor i, u := range params.Updates { // project patch: i names a failed statement\n',
    why: "A failed statement is reported with its index in the command's statements.",
  },
  {
    file: 'internal/handler/msg_update.go',
    from:
      '\t\tcloser.Close() // project patch: this statement\'s iterator, now\n' +
      '\t\tif err != nil {\n\t\t\treturn 0, 0, nil, lazyerrors.Error(err)\n\t\t}\n',
    to:
      '\t\tcloser.Close() // project patch: this statement\'s iterator, now\n' +
      '\t\tif err != nil {\n' +
      '\t\t\tif failed.add(i, err, params.DB, params.Collection) { // project patch: the statement\'s own duplicate key\n' +
      '\t\t\t\tif params.Ordered {\n\t\t\t\t\tbreak\n\t\t\t\t}\n\n\t\t\t\tcontinue\n\t\t\t}\n\n' +
      '\t\t\treturn 0, 0, nil, lazyerrors.Error(err)\n\t\t}\n',
    why: 'A duplicate key fails its statement only: an unordered command goes on with the next one, an ordered one stops there, as on MongoDB.',
  },
  {
    file: 'internal/handler/msg_update.go',
    from: '\t\t\t\t"index", int32(upserted.Len()),\n',
    to: '\t\t\t\t"index", int32(i), // project patch: the statement\'s index, as MongoDB reports it\n',
    why: "Upstream numbered upserted documents 0, 1, 2... instead of by the statement that upserted them, which the driver uses to map `upsertedIds`.",
  },
  {
    file: 'internal/handler/msg_update.go',
    from: '\tres.Set("nModified", modified)\n',
    to: '\tres.Set("nModified", modified)\n\tfailed.setOn(res) // project patch\n',
    why: "The failed statements go in the reply's `writeErrors`, beside what the others did.",
  },
  {
    file: 'internal/handler/common/update_params.go',
    from: '\tOrdered                  bool            `ferretdb:"ordered,ignored"`\n',
    to: '\tOrdered                  bool            `ferretdb:"ordered,opt"` // project patch: honoured\n',
    why: "Upstream ignored an update command's `ordered`; with statements failing one by one, an ordered command must stop at its first failure.",
  },
  {
    file: 'internal/handler/common/update_params.go',
    from: '\tvar params UpdateParams\n\n\terr := handlerparams.ExtractParams(document, "update", &params, l)\n',
    to: '\tparams := UpdateParams{\n\t\tOrdered: true, // project patch: MongoDB\'s default, as for insert and delete\n\t}\n\n\terr := handlerparams.ExtractParams(document, "update", &params, l)\n',
    why: 'A command that does not say is ordered, as on MongoDB (and as FerretDB already reads insert and delete).',
  },
  {
    file: 'internal/handler/update_write_errors.go',
    createFrom: 'update_write_errors.go',
    why: 'statementWriteErrors: which statements hit a duplicate key, and the `writeErrors` field of the reply.',
  },
  // Typed indexes, and queries answered from them (the next twelve; the Go files are in libs/embedded-db/ferretdb-patches).
  {
    file: 'internal/backends/sqlite/metadata/settings.go',
    from: '\tUnique bool           `json:"unique"`\n}\n',
    to: '\tUnique bool           `json:"unique"`\n\tTyped  bool           `json:"typed,omitempty"` // project patch: keyed by values (typed_indexes.go)\n}\n',
    why: 'An index records whether it is keyed by values (typed) or by JSON text, as upstream builds it.',
  },
  {
    file: 'internal/backends/sqlite/metadata/settings.go',
    from: '\t\t\tUnique: index.Unique,\n',
    to: '\t\t\tUnique: index.Unique,\n\t\t\tTyped:  index.Typed,\n',
    why: 'The copy of the settings keeps the flag.',
  },
  {
    file: 'internal/backends/sqlite/metadata/registry.go',
    from:
      '\t\tq := "CREATE "\n\n\t\tif index.Unique {\n\t\t\tq += "UNIQUE "\n\t\t}\n\n\t\tq += "INDEX %q ON %q (%s)"\n\n' +
      '\t\tcolumns := make([]string, len(index.Key))\n\t\tfor i, key := range index.Key {\n\t\t\tfields := strings.Split(key.Field, ".")\n' +
      '\t\t\tfor j, f := range fields {\n\t\t\t\tfields[j] = fmt.Sprintf("%q", f)\n\t\t\t}\n\n' +
      '\t\t\tcolumns[i] = fmt.Sprintf("%s->%s", DefaultColumn, strings.Join(fields, "->"))\n\t\t\tif key.Descending {\n\t\t\t\tcolumns[i] += " DESC"\n\t\t\t}\n\t\t}\n\n' +
      '\t\tq = fmt.Sprintf(\n\t\t\tq,\n\t\t\tc.TableName+"_"+index.Name,\n\t\t\tc.TableName,\n\t\t\tstrings.Join(columns, ", "),\n\t\t)\n',
    to: '\t\tindex.Typed = typedIndexable(index) // project patch: typed_indexes.go\n\t\tq := indexSQL(c.TableName, index)\n',
    why:
      "Upstream keys every index by the fields' JSON text, which orders numbers as text, so no range or sort could ever be " +
      'answered from it. A new non-unique index is keyed by the values (typed); unique ones stay as they were.',
  },
  {
    file: 'internal/backends/sqlite/metadata/registry.go',
    from: '\tr.colls[dbName] = colls\n\n\treturn nil\n}\n\n// DatabaseList',
    to:
      '\tif err = retypeIndexes(ctx, db, colls); err != nil { // project patch: typed_indexes.go\n\t\treturn lazyerrors.Error(err)\n\t}\n\n' +
      '\tr.colls[dbName] = colls\n\n\treturn nil\n}\n\n// DatabaseList',
    why: "A database from before typed indexes has those that would be typed now rebuilt once, when it is opened.",
  },
  {
    file: 'internal/backends/sqlite/metadata/typed_indexes.go',
    createFrom: 'typed_indexes.go',
    why: 'TypedColumn, TypeColumn, which indexes are typed, their CREATE INDEX, and the rebuild of older ones.',
  },
  {
    file: 'internal/backends/collection.go',
    from: 'type QueryParams struct {\n\tFilter *types.Document\n\tSort   *types.Document\n\tLimit  int64\n',
    to:
      'type QueryParams struct {\n\tFilter *types.Document\n\tSort   *types.Document\n\tLimit  int64\n\n' +
      '\t// IndexSort and IndexLimit are the query\'s own sort and limit, offered with the whole filter: a backend\n' +
      '\t// that answers the filter exactly from an index may apply them (project patch: index_pushdown.go).\n' +
      '\tIndexSort  *types.Document\n\tIndexLimit int64\n',
    why: "The handler offers the query's sort and limit to the backend, which applies them only when its index answers the whole filter.",
  },
  {
    file: 'internal/backends/collection.go',
    from: 'type ExplainParams struct {\n\tFilter *types.Document\n\tSort   *types.Document\n\tLimit  int64\n',
    to: 'type ExplainParams struct {\n\tFilter *types.Document\n\tSort   *types.Document\n\tLimit  int64\n\n\tIndexSort  *types.Document // project patch: as in QueryParams\n\tIndexLimit int64\n',
    why: 'explain reports the same plan as the query.',
  },
  {
    file: 'internal/handler/msg_find.go',
    from: '\tif !h.DisablePushdown && params.Filter.Len() == 0 && params.Sort.Len() == 0 && params.Skip == 0 {\n\t\tqp.Limit = params.Limit\n\t}\n',
    to:
      '\tif !h.DisablePushdown && params.Filter.Len() == 0 && params.Sort.Len() == 0 && params.Skip == 0 {\n\t\tqp.Limit = params.Limit\n\t}\n\n' +
      '\t// project patch: a typed index may answer the sort and limit with the whole filter (index_pushdown.go).\n' +
      '\tif !h.DisablePushdown && qp.Filter.Len() == params.Filter.Len() && qp.Sort.Len() == 0 && params.Skip == 0 {\n' +
      '\t\tqp.IndexSort = params.Sort\n\t\tqp.IndexLimit = params.Limit\n\t}\n',
    why: "find offers its sort and limit when the backend has the whole filter and no skip (the handler still applies all three to what comes back).",
  },
  {
    file: 'internal/handler/msg_explain.go',
    from: '\tif !h.DisablePushdown && params.Filter.Len() == 0 && params.Sort.Len() == 0 && params.Skip == 0 {\n\t\tqp.Limit = params.Limit\n\t}\n',
    to:
      '\tif !h.DisablePushdown && params.Filter.Len() == 0 && params.Sort.Len() == 0 && params.Skip == 0 {\n\t\tqp.Limit = params.Limit\n\t}\n\n' +
      '\tif !h.DisablePushdown && qp.Filter.Len() == params.Filter.Len() && qp.Sort.Len() == 0 && params.Skip == 0 { // project patch\n' +
      '\t\tqp.IndexSort = params.Sort\n\t\tqp.IndexLimit = params.Limit\n\t}\n',
    why: 'explain offers the same as find.',
  },
  {
    file: 'internal/backends/sqlite/collection.go',
    from: '\twhereClause, args := idWhereClause(params.Filter)\n\n\tq += whereClause\n\tq += prepareOrderByClause(params.Sort)\n\n\tif params.Limit != 0 {\n\t\tq += ` LIMIT ?`\n\t\targs = append(args, params.Limit)\n\t}\n',
    to:
      '\twhereClause, args := idWhereClause(params.Filter)\n\torderByClause := prepareOrderByClause(params.Sort)\n\tlimit := params.Limit\n\n' +
      '\t// Else a typed index may answer it (project patch: index_pushdown.go).\n' +
      '\tif whereClause == "" && params.Sort.Len() == 0 {\n' +
      '\t\tplan, err := planIndexQuery(ctx, db, meta, params.Filter, params.IndexSort, params.IndexLimit)\n' +
      '\t\tif err != nil {\n\t\t\treturn nil, lazyerrors.Error(err)\n\t\t}\n\n' +
      '\t\twhereClause, args, orderByClause = plan.where, plan.args, plan.orderBy\n\t\tif limit == 0 {\n\t\t\tlimit = plan.limit\n\t\t}\n\t}\n\n' +
      '\tq += whereClause + orderByClause\n\n\tif limit != 0 {\n\t\tq += ` LIMIT ?`\n\t\targs = append(args, limit)\n\t}\n',
    why:
      'Queries other than by _id read the whole collection (FerretDB#3235): a conversation\'s history or its unseen messages ' +
      'cost as much as every message stored. A typed index now answers equality on its leading fields, a range on the next, ' +
      'and the sort and limit with them when that is the whole filter (docs/embedded-database.md).',
  },
  {
    file: 'internal/backends/sqlite/collection.go',
    from: '\torderByClause := prepareOrderByClause(params.Sort)\n\tsortPushdown := orderByClause != ""\n\n\tq := `EXPLAIN QUERY PLAN ` + selectClause + whereClause + orderByClause\n\n\tvar limitPushdown bool\n\n\tif params.Limit != 0 {\n\t\tq += ` LIMIT ?`\n\t\targs = append(args, params.Limit)\n',
    to:
      '\torderByClause := prepareOrderByClause(params.Sort)\n\tlimit := params.Limit\n\n' +
      '\tif whereClause == "" && params.Sort.Len() == 0 { // project patch: as in Query\n' +
      '\t\tplan, err := planIndexQuery(ctx, db, meta, params.Filter, params.IndexSort, params.IndexLimit)\n' +
      '\t\tif err != nil {\n\t\t\treturn nil, lazyerrors.Error(err)\n\t\t}\n\n' +
      '\t\twhereClause, args, orderByClause = plan.where, plan.args, plan.orderBy\n\t\tfilterPushdown = plan.exact\n\t\tif limit == 0 {\n\t\t\tlimit = plan.limit\n\t\t}\n\t}\n\n' +
      '\tsortPushdown := orderByClause != ""\n\n\tq := `EXPLAIN QUERY PLAN ` + selectClause + whereClause + orderByClause\n\n\tvar limitPushdown bool\n\n' +
      '\tif limit != 0 {\n\t\tq += ` LIMIT ?`\n\t\targs = append(args, limit)\n',
    why: 'explain reports the plan the query uses, and whether the filter, sort and limit went to SQLite.',
  },
  {
    file: 'internal/backends/sqlite/index_pushdown.go',
    createFrom: 'index_pushdown.go',
    why:
      'planIndexQuery: which typed index answers a filter, its exactness checks, and the WHERE, ORDER BY and LIMIT it gives; ' +
      'planUniqueIndexQuery: an equality on a single-field unique index (users by cell number or account id) from that index.',
  },
  {
    file: 'internal/backends/sqlite/indexpushdown/index_pushdown_test.go',
    createFrom: 'index_pushdown_test.go',
    newPackage: true,
    test: './internal/backends/sqlite/indexpushdown/',
    why:
      'The pushdown against a real SQLite backend: range, sort and limit from the index; types kept apart; arrays and text ' +
      "left to the handler; an older database's indexes rebuilt typed. (A package of its own: upstream's tests of the sqlite " +
      'package need a git checkout.)',
  },
] as const;

/** What the project-local build is: the version and its patches. A binary built otherwise is rebuilt. */
export const FERRETDB_BUILD = `${FERRETDB_VERSION}+sqlite-id-index.1+atomic-writes.1+id-pushdown.1+writer-queue.1+no-leak-tracking.1+one-pass-decode.2+update-iterators.1+batched-updates.1+update-write-errors.1+typed-indexes.3+build-in-version.1`;

/** Raised when no FerretDB can be found or built; its message names the three ways out. */
export class EmbeddedDatabaseUnavailableError extends Error {
  constructor(reason: string) {
    super(
      `No database: ${reason}\n` +
        'Do one of these:\n' +
        '  1. set MONGODB_URI to a running MongoDB (or FerretDB), e.g. mongodb://127.0.0.1:27017/chat\n' +
        `  2. have this project's FerretDB build (${FERRETDB_VERSION} with its patches; scripts/run setup makes it) in TOOLS_DIR/bin or on PATH, or name it with FERRETDB_BIN\n` +
        '  3. install Go (https://go.dev/dl/) so the project can build FerretDB itself',
    );
    this.name = 'EmbeddedDatabaseUnavailableError';
  }
}

export interface LocateOptions {
  /** FERRETDB_BIN: an explicit binary, used as is. */
  explicitBinary?: string;
  /** The project-local tools folder; the binary lives in its bin/. */
  toolsDir: string;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, name))
    .find(isExecutable);
}

export function localFerretDbPath(toolsDir: string): string {
  return join(toolsDir, 'bin', 'ferretdb');
}

const buildMarkerPath = (toolsDir: string) => join(toolsDir, 'bin', 'ferretdb.build');

function isCurrentLocalBuild(toolsDir: string): boolean {
  try {
    return readFileSync(buildMarkerPath(toolsDir), 'utf8').trim() === FERRETDB_BUILD;
  } catch {
    return false;
  }
}

/**
 * The build a ferretdb binary says it is: its `--version` line, which our builds set to
 * FERRETDB_BUILD (upstream's and other builds say a plain version, or something else entirely);
 * undefined when it does not run or says no version.
 */
export function ferretDbBuildOf(binary: string): string | undefined {
  try {
    return /^version: (\S+)$/m.exec(execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] }))?.[1];
  } catch {
    return undefined;
  }
}

/** Why a binary is not this project's FerretDB build, or undefined if it is. */
function notOurBuild(binary: string): string | undefined {
  const build = ferretDbBuildOf(binary);
  if (build === FERRETDB_BUILD) return undefined;
  return (
    `${binary} is not this project's FerretDB build: it says ${build ? `version ${build}` : 'no version'}, and we need ${FERRETDB_BUILD} ` +
    '(FerretDB with the patches docs/embedded-database.md lists; without them concurrent writes are lost)'
  );
}

/**
 * FERRETDB_BIN (refused unless it is our build), else the project-local build if it is the
 * current FERRETDB_BUILD, else a `ferretdb` on PATH if it is our build (another one is passed over,
 * and said so through `log`, so that ours gets built).
 */
export function locateFerretDb(options: LocateOptions, log: (line: string) => void = () => undefined): string | undefined {
  if (options.explicitBinary) {
    if (!isExecutable(options.explicitBinary)) {
      throw new EmbeddedDatabaseUnavailableError(`FERRETDB_BIN=${options.explicitBinary} is not an executable file`);
    }
    const refusal = notOurBuild(options.explicitBinary);
    if (refusal) throw new EmbeddedDatabaseUnavailableError(`FERRETDB_BIN: ${refusal}. Unset FERRETDB_BIN to have the project build its own (scripts/run setup)`);
    return options.explicitBinary;
  }
  const local = localFerretDbPath(options.toolsDir);
  if (isExecutable(local) && isCurrentLocalBuild(options.toolsDir)) return local;
  const found = onPath('ferretdb');
  if (!found) return undefined;
  const refusal = notOurBuild(found);
  if (!refusal) return found;
  log(`not using the ferretdb on PATH: ${refusal}; building ours into ${join(options.toolsDir, 'bin')} instead`);
  return undefined;
}

/**
 * Builds FerretDB into TOOLS_DIR/bin with the Go toolchain, from the module proxy, pinned to
 * FERRETDB_VERSION and checked against the module's own go.sum.
 *
 * Why not `go install ...@v1.24.2`: the module proxy here refuses the module's version list, which
 * `go install pkg@version` reads for its deprecation check (403), and a binary built that way panics
 * at start because the published module ships an empty build/version/version.txt. So we download
 * the exact version, fill in version.txt, apply FERRETDB_PATCHES, and build that
 * (docs/embedded-database.md).
 */
export async function installFerretDb(toolsDir: string, log: (line: string) => void = () => undefined): Promise<string> {
  const go = onPath('go');
  if (!go) throw new EmbeddedDatabaseUnavailableError('ferretdb was not found and Go is not installed to build it');

  const target = localFerretDbPath(toolsDir);
  mkdirSync(join(toolsDir, 'bin'), { recursive: true });
  const work = mkdtempSync(join(toolsDir, 'ferretdb-build-'));
  try {
    log(`building FerretDB ${FERRETDB_VERSION} with ${go} (first run only, about two minutes)`);
    const download = await run(go, ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], {
      maxBuffer: 16 * 1024 * 1024,
    });
    const { Dir: moduleDir } = JSON.parse(download.stdout) as { Dir: string };
    const source = join(work, 'src');
    cpSync(moduleDir, source, { recursive: true });
    chmodRecursive(source);
    // The binary says which build it is (`--version`), so a ferretdb found anywhere can be checked.
    writeFileSync(join(source, 'build', 'version', 'version.txt'), `${FERRETDB_BUILD}\n`);
    for (const patch of FERRETDB_PATCHES) applyPatch(source, patch);
    const goEnv = { ...process.env, GOFLAGS: '-mod=readonly', CGO_ENABLED: '0' };
    for (const patch of FERRETDB_PATCHES) {
      if ('test' in patch) await run(go, ['test', '-count=1', patch.test], { cwd: source, env: goEnv, maxBuffer: 16 * 1024 * 1024 });
    }
    const staged = join(work, 'ferretdb');
    await run(go, ['build', '-trimpath', '-buildvcs=false', '-o', staged, './cmd/ferretdb'], {
      cwd: source,
      env: goEnv,
      maxBuffer: 16 * 1024 * 1024,
    });
    if (ferretDbBuildOf(staged) !== FERRETDB_BUILD) throw new Error(`built ferretdb reports an unexpected version:\n${(await run(staged, ['--version'])).stdout}`);
    renameSync(staged, target);
    writeFileSync(buildMarkerPath(toolsDir), `${FERRETDB_BUILD}\n`);
    log(`FerretDB ${FERRETDB_BUILD} installed at ${target}`);
    return target;
  } catch (err) {
    if (err instanceof EmbeddedDatabaseUnavailableError) throw err;
    const detail = (err as { stderr?: string }).stderr?.trim() || (err as Error).message;
    throw new EmbeddedDatabaseUnavailableError(`building FerretDB ${FERRETDB_VERSION} failed:\n${detail}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function applyPatch(source: string, patch: (typeof FERRETDB_PATCHES)[number]): void {
  const path = join(source, patch.file);
  if ('create' in patch || 'createFrom' in patch) {
    // The package must exist (a moved package means reviewing the patch), unless the patch makes one.
    if ('newPackage' in patch) mkdirSync(dirname(path), { recursive: true });
    accessSync(dirname(path), constants.W_OK);
    writeFileSync(path, 'create' in patch ? patch.create : readFileSync(join(patchesDir(), patch.createFrom)));
    return;
  }
  const text = readFileSync(path, 'utf8');
  if (text.split(patch.from).length !== 2) throw new Error(`FerretDB patch does not apply: ${patch.file} should contain ${patch.from} once`);
  writeFileSync(path, text.replace(patch.from, patch.to));
}

/** libs/embedded-db/ferretdb-patches, found from this file whether it runs from src or from dist. */
function patchesDir(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'libs', 'embedded-db', 'ferretdb-patches');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`libs/embedded-db/ferretdb-patches not found above ${__dirname}`);
}

function chmodRecursive(dir: string): void {
  // Files from the Go module cache are read-only; the copy must be writable (and removable).
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) chmodRecursive(path);
    else chmodSync(path, 0o644);
  }
}

/** Finds FerretDB, building it when it is nowhere to be found. */
export async function ensureFerretDb(options: LocateOptions, log?: (line: string) => void): Promise<string> {
  return locateFerretDb(options, log) ?? installFerretDb(options.toolsDir, log);
}
