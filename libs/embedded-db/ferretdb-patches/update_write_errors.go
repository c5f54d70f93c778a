// A project patch to FerretDB v1.24.2: an `update` command reports a statement's duplicate key as
// that statement's write error, as MongoDB does, instead of failing the whole command at the first
// one. Applied by the project's FerretDB build (libs/embedded-db/src/ferretdb-install.ts).

package handler

import (
	"errors"
	"fmt"

	"github.com/FerretDB/FerretDB/internal/backends"
	"github.com/FerretDB/FerretDB/internal/handler/handlererrors"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// statementWriteErrors collects the statements of one `update` command whose upsert collided with
// an existing `_id` (a conditional upsert whose condition did not hold, say). Upstream answered the
// first such statement as the command's error, with index 0, and ran none of the statements after
// it, whatever `ordered` said; MongoDB runs the others (all of them when unordered, none after the
// first failure when ordered) and reports each failure with its statement's index.
type statementWriteErrors struct {
	docs []*types.Document
}

// add records statement `index`'s error if it is a duplicate key, and says whether it was one.
func (s *statementWriteErrors) add(index int, err error, db, collection string) bool {
	var be *backends.Error
	if !errors.As(err, &be) || be.Code() != backends.ErrorCodeInsertDuplicateID {
		return false
	}

	s.docs = append(s.docs, must.NotFail(types.NewDocument(
		"index", int32(index),
		"code", int32(handlererrors.ErrDuplicateKeyInsert),
		"errmsg", fmt.Sprintf("E11000 duplicate key error collection: %s.%s", db, collection),
	)))

	return true
}

// setOn adds the `writeErrors` field to the command's reply when a statement failed.
func (s *statementWriteErrors) setOn(reply *types.Document) {
	if len(s.docs) == 0 {
		return
	}

	arr := types.MakeArray(len(s.docs))
	for _, doc := range s.docs {
		arr.Append(doc)
	}

	reply.Set("writeErrors", arr)
}
