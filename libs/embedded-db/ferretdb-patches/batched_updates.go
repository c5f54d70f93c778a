// A project patch to FerretDB v1.24.2: one `update` command's statements write back in one
// SQLite transaction. Applied by the project's FerretDB build (libs/embedded-db/src/ferretdb-install.ts).

package handler

import (
	"context"

	"github.com/FerretDB/FerretDB/internal/backends"
	"github.com/FerretDB/FerretDB/internal/handler/sjson"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/lazyerrors"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// pendingUpdates holds the documents an update command's statements wrote back, and writes them
// in one UpdateAll (one transaction, one commit) when the command ends. Upstream commits once per
// statement, so a bulkWrite of N updateOne operations cost N commits, each taking the database's
// writer in turn, and batching updates bought nothing. A statement that may read a document held
// here (its filter names a held _id, or no single _id) writes the held ones first, so every
// statement sees the ones before it, as upstream. The command holds its collection's lock
// (atomic-writes patch) throughout, so no other writer sees the documents in between.
type pendingUpdates struct {
	coll backends.Collection
	docs []*types.Document
	held map[string]int
}

// pendingCollection is a statement's view of the collection: its writes back go to the pending set.
type pendingCollection struct {
	backends.Collection
	pending *pendingUpdates
}

// wrap returns the collection whose UpdateAll is held until flush.
func (p *pendingUpdates) wrap(c backends.Collection) backends.Collection {
	p.coll = c
	return &pendingCollection{Collection: c, pending: p}
}

func idKey(id any) string {
	return string(must.NotFail(sjson.MarshalSingleValue(id)))
}

// UpdateAll holds the documents (a later write of the same document replaces the earlier).
func (c *pendingCollection) UpdateAll(_ context.Context, params *backends.UpdateAllParams) (*backends.UpdateAllResult, error) {
	p := c.pending
	if p.held == nil {
		p.held = map[string]int{}
	}

	for _, doc := range params.Docs {
		key := idKey(must.NotFail(doc.Get("_id")))
		if i, ok := p.held[key]; ok {
			p.docs[i] = doc
			continue
		}

		p.held[key] = len(p.docs)
		p.docs = append(p.docs, doc)
	}

	return &backends.UpdateAllResult{Updated: int32(len(params.Docs))}, nil
}

// Query first writes the held documents it might read.
func (c *pendingCollection) Query(ctx context.Context, params *backends.QueryParams) (*backends.QueryResult, error) {
	if c.pending.mayRead(params) {
		if err := c.pending.flush(ctx); err != nil {
			return nil, lazyerrors.Error(err)
		}
	}

	return c.Collection.Query(ctx, params)
}

// InsertAll (an upsert) first writes what is held, so the order of writes stays the statements' order.
func (c *pendingCollection) InsertAll(ctx context.Context, params *backends.InsertAllParams) (*backends.InsertAllResult, error) {
	if err := c.pending.flush(ctx); err != nil {
		return nil, lazyerrors.Error(err)
	}

	return c.Collection.InsertAll(ctx, params)
}

// mayRead is false only for a filter naming one _id (a string or an ObjectId) that is not held.
func (p *pendingUpdates) mayRead(params *backends.QueryParams) bool {
	if len(p.docs) == 0 {
		return false
	}

	if params == nil || params.Filter == nil {
		return true
	}

	v, err := params.Filter.Get("_id")
	if err != nil {
		return true
	}

	switch v.(type) {
	case string, types.ObjectID:
		_, held := p.held[idKey(v)]
		return held
	default:
		return true
	}
}

// flush writes the held documents in one transaction.
func (p *pendingUpdates) flush(ctx context.Context) error {
	if len(p.docs) == 0 {
		return nil
	}

	docs := p.docs
	p.docs = nil
	p.held = nil

	if _, err := p.coll.UpdateAll(ctx, &backends.UpdateAllParams{Docs: docs}); err != nil {
		return lazyerrors.Error(err)
	}

	return nil
}

// close writes what is still held when a command ends early with an error: the statements before
// the failing one were applied, as upstream applied them.
func (p *pendingUpdates) close(ctx context.Context) {
	_ = p.flush(ctx)
}
