// A project patch to FerretDB v1.24.2: pendingUpdates (batched_updates.go) against a recording
// collection. Run by the project's FerretDB build before it installs the binary.

package handler

import (
	"context"
	"testing"

	"github.com/FerretDB/FerretDB/internal/backends"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// recording is a collection that writes down what reaches it.
type recording struct {
	backends.Collection
	calls []string
	batches [][]any
}

func (r *recording) Query(context.Context, *backends.QueryParams) (*backends.QueryResult, error) {
	r.calls = append(r.calls, "query")
	return new(backends.QueryResult), nil
}

func (r *recording) InsertAll(context.Context, *backends.InsertAllParams) (*backends.InsertAllResult, error) {
	r.calls = append(r.calls, "insert")
	return new(backends.InsertAllResult), nil
}

func (r *recording) UpdateAll(_ context.Context, params *backends.UpdateAllParams) (*backends.UpdateAllResult, error) {
	r.calls = append(r.calls, "update")
	ids := make([]any, 0, len(params.Docs))
	for _, doc := range params.Docs {
		ids = append(ids, must.NotFail(doc.Get("n")))
	}
	r.batches = append(r.batches, ids)
	return &backends.UpdateAllResult{Updated: int32(len(params.Docs))}, nil
}

func doc(id string, n int32) *types.Document {
	return must.NotFail(types.NewDocument("_id", id, "n", n))
}

func byID(id any) *backends.QueryParams {
	return &backends.QueryParams{Filter: must.NotFail(types.NewDocument("_id", id))}
}

func TestPendingUpdatesWriteOnceAtTheEnd(t *testing.T) {
	ctx := context.Background()
	rec := new(recording)
	pending := new(pendingUpdates)
	c := pending.wrap(rec)

	for i, id := range []string{"a", "b", "c"} {
		if _, err := c.Query(ctx, byID(id)); err != nil {
			t.Fatal(err)
		}
		if _, err := c.UpdateAll(ctx, &backends.UpdateAllParams{Docs: []*types.Document{doc(id, int32(i))}}); err != nil {
			t.Fatal(err)
		}
	}
	// A second write of "a" replaces the first.
	if _, err := c.UpdateAll(ctx, &backends.UpdateAllParams{Docs: []*types.Document{doc("a", 9)}}); err != nil {
		t.Fatal(err)
	}
	if len(rec.batches) != 0 {
		t.Fatalf("written before the end: %v", rec.batches)
	}
	if err := pending.flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := rec.batches; len(got) != 1 || len(got[0]) != 3 || got[0][0] != int32(9) || got[0][1] != int32(1) || got[0][2] != int32(2) {
		t.Fatalf("want one batch [9 1 2], got %v", got)
	}
	if err := pending.flush(ctx); err != nil || len(rec.batches) != 1 {
		t.Fatalf("a second flush wrote again: %v %v", err, rec.batches)
	}
}

func TestPendingUpdatesFlushBeforeAReadThatMaySeeThem(t *testing.T) {
	ctx := context.Background()
	for name, filter := range map[string]*backends.QueryParams{
		"the held _id":  byID("a"),
		"no _id":        {Filter: must.NotFail(types.NewDocument("n", int32(1)))},
		"an _id $in":    byID(must.NotFail(types.NewDocument("$in", must.NotFail(types.NewArray("a", "z"))))),
		"no filter":     {},
	} {
		t.Run(name, func(t *testing.T) {
			rec := new(recording)
			pending := new(pendingUpdates)
			c := pending.wrap(rec)
			must.NotFail(c.UpdateAll(ctx, &backends.UpdateAllParams{Docs: []*types.Document{doc("a", 1)}}))
			must.NotFail(c.Query(ctx, filter))
			if want := []string{"update", "query"}; len(rec.calls) != 2 || rec.calls[0] != want[0] || rec.calls[1] != want[1] {
				t.Fatalf("want %v, got %v", want, rec.calls)
			}
		})
	}
}

func TestPendingUpdatesKeepWhatAnotherReadCannotSee(t *testing.T) {
	ctx := context.Background()
	rec := new(recording)
	pending := new(pendingUpdates)
	c := pending.wrap(rec)
	must.NotFail(c.UpdateAll(ctx, &backends.UpdateAllParams{Docs: []*types.Document{doc("a", 1)}}))
	must.NotFail(c.Query(ctx, byID("b")))
	if len(rec.calls) != 1 || rec.calls[0] != "query" {
		t.Fatalf("want only the query, got %v", rec.calls)
	}
}

func TestPendingUpdatesWriteBeforeAnUpsertAndOnClose(t *testing.T) {
	ctx := context.Background()
	rec := new(recording)
	pending := new(pendingUpdates)
	c := pending.wrap(rec)
	must.NotFail(c.UpdateAll(ctx, &backends.UpdateAllParams{Docs: []*types.Document{doc("a", 1)}}))
	must.NotFail(c.InsertAll(ctx, &backends.InsertAllParams{Docs: []*types.Document{doc("b", 2)}}))
	must.NotFail(c.UpdateAll(ctx, &backends.UpdateAllParams{Docs: []*types.Document{doc("c", 3)}}))
	pending.close(ctx)
	want := []string{"update", "insert", "update"}
	if len(rec.calls) != 3 || rec.calls[0] != want[0] || rec.calls[1] != want[1] || rec.calls[2] != want[2] {
		t.Fatalf("want %v, got %v", want, rec.calls)
	}
}
