// A project patch to FerretDB v1.24.2: queries answered from typed indexes (index_pushdown.go),
// against a real SQLite backend. Run by the project's FerretDB build before it installs the binary.

package indexpushdown_test

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"

	"github.com/FerretDB/FerretDB/internal/backends"
	"github.com/FerretDB/FerretDB/internal/backends/sqlite"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/iterator"
	"github.com/FerretDB/FerretDB/internal/util/must"
	"github.com/FerretDB/FerretDB/internal/util/state"
)

var (
	convA = types.ObjectID{0xa}
	convB = types.ObjectID{0xb}
)

// newCollection is an empty collection of a new SQLite backend in a temporary folder.
func newCollection(t *testing.T, name string) (context.Context, backends.Collection) {
	t.Helper()

	sp, err := state.NewProvider("")
	require.NoError(t, err)

	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	b, err := sqlite.NewBackend(&sqlite.NewBackendParams{URI: "file:" + t.TempDir() + "/", L: logger, P: sp, BatchSize: 100})
	require.NoError(t, err)
	t.Cleanup(b.Close)

	db, err := b.Database("test")
	require.NoError(t, err)

	coll, err := db.Collection(name)
	require.NoError(t, err)

	return context.Background(), coll
}

// pushdownCollection is a collection with a typed index on {c: 1, s: 1} and, for conversation A,
// messages at positions 1..100, beside others that only look alike.
func pushdownCollection(t *testing.T) (context.Context, backends.Collection) {
	t.Helper()

	ctx, coll := newCollection(t, "messages")

	_, err := coll.CreateIndexes(ctx, &backends.CreateIndexesParams{Indexes: []backends.IndexInfo{
		{Name: "c_1_s_1", Key: []backends.IndexKeyPair{{Field: "c"}, {Field: "s"}}},
	}})
	require.NoError(t, err)

	var docs []*types.Document
	for s := int32(1); s <= 100; s++ {
		docs = append(docs, must.NotFail(types.NewDocument("_id", types.NewObjectID(), "c", convA, "s", s)))
		docs = append(docs, must.NotFail(types.NewDocument("_id", types.NewObjectID(), "c", convB, "s", s)))
	}

	docs = append(docs,
		// The same hex as a string, and the same position as a date or a bool: MongoDB matches none of them.
		must.NotFail(types.NewDocument("_id", types.NewObjectID(), "c", hex.EncodeToString(convA[:]), "s", int32(50))),
		must.NotFail(types.NewDocument("_id", types.NewObjectID(), "c", convA, "s", time.UnixMilli(40))),
		must.NotFail(types.NewDocument("_id", types.NewObjectID(), "c", convA, "s", true)),
		// A long among the ints compares as a number.
		must.NotFail(types.NewDocument("_id", types.NewObjectID(), "c", convA, "s", int64(101))),
	)

	_, err = coll.InsertAll(ctx, &backends.InsertAllParams{Docs: docs})
	require.NoError(t, err)

	return ctx, coll
}

func positions(t *testing.T, ctx context.Context, coll backends.Collection, qp *backends.QueryParams) []any {
	t.Helper()

	res, err := coll.Query(ctx, qp)
	require.NoError(t, err)

	docs, err := iterator.ConsumeValues[struct{}, *types.Document](res.Iter)
	require.NoError(t, err)

	var found []any
	for _, doc := range docs {
		found = append(found, must.NotFail(doc.Get("s")))
	}

	return found
}

func TestIndexPushdownRangeSortLimit(t *testing.T) {
	t.Parallel()

	ctx, coll := pushdownCollection(t)

	filter := must.NotFail(types.NewDocument("c", convA, "s", must.NotFail(types.NewDocument("$lt", int64(50)))))
	sort := must.NotFail(types.NewDocument("s", int64(-1)))
	qp := &backends.QueryParams{Filter: filter, IndexSort: sort, IndexLimit: 3}

	assert.Equal(t, []any{int32(49), int32(48), int32(47)}, positions(t, ctx, coll, qp))

	explain, err := coll.Explain(ctx, &backends.ExplainParams{Filter: filter, IndexSort: sort, IndexLimit: 3})
	require.NoError(t, err)
	assert.True(t, explain.FilterPushdown)
	assert.True(t, explain.SortPushdown)
	assert.True(t, explain.LimitPushdown)

	plan := must.NotFail(explain.QueryPlanner.Get("Plan")).(*types.Array)
	detail := must.NotFail(plan.Get(0)).(string)
	assert.Contains(t, detail, "USING INDEX")
	assert.NotContains(t, strings.ToUpper(detail), "TEMP B-TREE")

	// Ascending from a lower bound: the long at 101 is a number like the others; the date and the bool are not.
	up := must.NotFail(types.NewDocument("c", convA, "s", must.NotFail(types.NewDocument("$gte", int32(99)))))
	assert.Equal(t, []any{int32(99), int32(100), int64(101)}, positions(t, ctx, coll, &backends.QueryParams{Filter: up, IndexSort: must.NotFail(types.NewDocument("s", int64(1))), IndexLimit: 10}))
}

func TestIndexPushdownEqualityIsTyped(t *testing.T) {
	t.Parallel()

	ctx, coll := pushdownCollection(t)

	// The ObjectId, not the string of the same hex; with no range, every type of s comes back.
	found := positions(t, ctx, coll, &backends.QueryParams{Filter: must.NotFail(types.NewDocument("c", convA))})
	assert.Len(t, found, 103)

	found = positions(t, ctx, coll, &backends.QueryParams{Filter: must.NotFail(types.NewDocument("c", hex.EncodeToString(convA[:])))})
	assert.Equal(t, []any{int32(50)}, found)
}

// below50 is a history page's filter: the conversation's positions below 50.
func below50(conv types.ObjectID) *types.Document {
	return must.NotFail(types.NewDocument("c", conv, "s", must.NotFail(types.NewDocument("$lt", int64(50)))))
}

// newestThree is what the handler offers with that filter: sorted by s descending, limit 3.
func newestThree(filter *types.Document) *backends.QueryParams {
	return &backends.QueryParams{Filter: filter, IndexSort: must.NotFail(types.NewDocument("s", int64(-1))), IndexLimit: 3}
}

// assertNotPushedInFull checks that explain reports the filter and the limit as left to the handler.
func assertNotPushedInFull(t *testing.T, ctx context.Context, coll backends.Collection, qp *backends.QueryParams) {
	t.Helper()

	explain, err := coll.Explain(ctx, &backends.ExplainParams{Filter: qp.Filter, IndexSort: qp.IndexSort, IndexLimit: qp.IndexLimit})
	require.NoError(t, err)
	assert.False(t, explain.FilterPushdown)
	assert.False(t, explain.LimitPushdown)
}

func TestIndexPushdownLeavesTextInANumberToTheHandler(t *testing.T) {
	t.Parallel()

	ctx, coll := pushdownCollection(t)

	// Text where conversation B's positions are: B's range and sort are not answered from the index.
	_, err := coll.InsertAll(ctx, &backends.InsertAllParams{Docs: []*types.Document{
		must.NotFail(types.NewDocument("_id", types.NewObjectID(), "c", convB, "s", "seven")),
	}})
	require.NoError(t, err)
	assertNotPushedInFull(t, ctx, coll, newestThree(below50(convB)))

	// B's equality still is (its 100 numbers and the text), with no LIMIT: the handler sorts and limits.
	found := positions(t, ctx, coll, newestThree(below50(convB)))
	assert.Len(t, found, 101)
	assert.Contains(t, found, "seven")

	// Conversation A's positions hold no text: answered in full from the index.
	assert.Equal(t, []any{int32(49), int32(48), int32(47)}, positions(t, ctx, coll, newestThree(below50(convA))))
}

func TestIndexPushdownLeavesArraysToTheHandler(t *testing.T) {
	t.Parallel()

	ctx, coll := pushdownCollection(t)

	// An array holding A matches {c: A} on MongoDB; an index of values cannot see inside it, so c is not pushed.
	_, err := coll.InsertAll(ctx, &backends.InsertAllParams{Docs: []*types.Document{
		must.NotFail(types.NewDocument("_id", types.NewObjectID(), "c", must.NotFail(types.NewArray(convA)), "s", int32(7))),
	}})
	require.NoError(t, err)
	assertNotPushedInFull(t, ctx, coll, newestThree(below50(convA)))

	// Every document comes back, the array among them, for the handler to filter.
	found := positions(t, ctx, coll, newestThree(below50(convA)))
	assert.Len(t, found, 205)
	assert.Contains(t, found, int32(7))
}

func TestIndexPushdownNeedsTheWholeFilterForLimit(t *testing.T) {
	t.Parallel()

	ctx, coll := pushdownCollection(t)

	// A field the index does not hold: narrowed by c only, and no LIMIT (the handler filters first).
	filter := must.NotFail(types.NewDocument("c", convA, "other", "x"))
	found := positions(t, ctx, coll, &backends.QueryParams{Filter: filter, IndexLimit: 2})
	assert.Len(t, found, 103)
}

func TestIndexesFromBeforeTypedIndexesAreRebuilt(t *testing.T) {
	t.Parallel()

	ctx := context.Background()
	dir := t.TempDir()
	open := func() backends.Backend {
		sp, err := state.NewProvider("")
		require.NoError(t, err)

		b, err := sqlite.NewBackend(&sqlite.NewBackendParams{URI: "file:" + dir + "/", L: slog.New(slog.NewTextHandler(io.Discard, nil)), P: sp, BatchSize: 100})
		require.NoError(t, err)

		return b
	}

	b := open()
	db := must.NotFail(b.Database("test"))
	coll := must.NotFail(db.Collection("messages"))
	_, err := coll.CreateIndexes(ctx, &backends.CreateIndexesParams{Indexes: []backends.IndexInfo{
		{Name: "c_1_s_1", Key: []backends.IndexKeyPair{{Field: "c"}, {Field: "s"}}},
	}})
	require.NoError(t, err)
	_, err = coll.InsertAll(ctx, &backends.InsertAllParams{Docs: []*types.Document{
		must.NotFail(types.NewDocument("_id", types.NewObjectID(), "c", convA, "s", int32(1))),
	}})
	require.NoError(t, err)
	b.Close()

	// Made as an older build made it: keyed by JSON text, with no typed flag.
	raw, err := sql.Open("sqlite", "file:"+dir+"/test.sqlite")
	require.NoError(t, err)

	var table, name, indexSQL string
	require.NoError(t, raw.QueryRow(`SELECT tbl_name, name FROM sqlite_master WHERE type = 'index' AND name LIKE '%c_1_s_1'`).Scan(&table, &name))
	_, err = raw.Exec(`DROP INDEX "` + name + `"`)
	require.NoError(t, err)
	_, err = raw.Exec(`CREATE INDEX "` + name + `" ON "` + table + `" (_ferretdb_sjson->"c", _ferretdb_sjson->"s")`)
	require.NoError(t, err)
	_, err = raw.Exec(`UPDATE _ferretdb_collections SET settings = replace(settings, ',"typed":true', '') WHERE table_name = ?`, table)
	require.NoError(t, err)
	require.NoError(t, raw.Close())

	b = open()
	t.Cleanup(b.Close)
	coll = must.NotFail(must.NotFail(b.Database("test")).Collection("messages"))

	filter := must.NotFail(types.NewDocument("c", convA, "s", must.NotFail(types.NewDocument("$gt", int64(0)))))
	explain, err := coll.Explain(ctx, &backends.ExplainParams{Filter: filter})
	require.NoError(t, err)
	assert.True(t, explain.FilterPushdown)

	raw, err = sql.Open("sqlite", "file:"+dir+"/test.sqlite")
	require.NoError(t, err)
	defer raw.Close()
	require.NoError(t, raw.QueryRow(`SELECT sql FROM sqlite_master WHERE name = ?`, name).Scan(&indexSQL))
	assert.Contains(t, indexSQL, `->>'$."c"'`)
}

// usersCollection is a collection with a unique index on {p: 1} (as upstream builds unique
// indexes) and 100 users with distinct numbers.
func usersCollection(t *testing.T) (context.Context, backends.Collection) {
	t.Helper()

	ctx, coll := newCollection(t, "users")

	_, err := coll.CreateIndexes(ctx, &backends.CreateIndexesParams{Indexes: []backends.IndexInfo{{Name: "p_1", Key: []backends.IndexKeyPair{{Field: "p"}}, Unique: true}}})
	require.NoError(t, err)

	var docs []*types.Document
	for i := 0; i < 100; i++ {
		docs = append(docs, must.NotFail(types.NewDocument("_id", types.NewObjectID(), "p", fmt.Sprintf("+1555%07d", i), "s", int32(i))))
	}

	_, err = coll.InsertAll(ctx, &backends.InsertAllParams{Docs: docs})
	require.NoError(t, err)

	return ctx, coll
}

func byNumber(number any) *backends.QueryParams {
	return &backends.QueryParams{Filter: must.NotFail(types.NewDocument("p", number))}
}

func TestUniqueIndexAnswersAnEquality(t *testing.T) {
	t.Parallel()

	ctx, coll := usersCollection(t)

	assert.Equal(t, []any{int32(42)}, positions(t, ctx, coll, byNumber("+15550000042")))
	assert.Empty(t, positions(t, ctx, coll, byNumber("+15559999999")))

	explain, err := coll.Explain(ctx, &backends.ExplainParams{Filter: byNumber("+15550000042").Filter})
	require.NoError(t, err)
	assert.False(t, explain.FilterPushdown) // a narrowing: the handler still applies the filter
	plan := must.NotFail(explain.QueryPlanner.Get("Plan")).(*types.Array)
	assert.Contains(t, must.NotFail(plan.Get(0)).(string), "USING INDEX")

	// A value with characters JSON escapes is left to the handler: every document comes back.
	assert.Len(t, positions(t, ctx, coll, byNumber(`a"b`)), 100)
	assert.Len(t, positions(t, ctx, coll, byNumber("<x>")), 100)
}

func TestUniqueIndexLeavesArraysToTheHandler(t *testing.T) {
	t.Parallel()

	ctx, coll := usersCollection(t)

	// An array holding the number matches {p: number} on MongoDB: p is no longer narrowed by the index.
	_, err := coll.InsertAll(ctx, &backends.InsertAllParams{Docs: []*types.Document{
		must.NotFail(types.NewDocument("_id", types.NewObjectID(), "p", must.NotFail(types.NewArray("+15550000042", "x")), "s", int32(-1))),
	}})
	require.NoError(t, err)

	found := positions(t, ctx, coll, byNumber("+15550000042"))
	assert.Len(t, found, 101)
	assert.Contains(t, found, int32(-1))
}
