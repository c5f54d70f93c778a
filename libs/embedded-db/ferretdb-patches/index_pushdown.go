// A project patch to FerretDB v1.24.2 (libs/embedded-db/src/ferretdb-install.ts): queries answered
// from typed indexes.
//
// Upstream narrows a query to an index only for `{_id: value}` (our id-pushdown patch widened that
// to any filter holding `_id`); everything else reads the whole collection and filters, sorts and
// limits in Go. With a typed index (metadata/typed_indexes.go) the backend answers from the index
// what a MongoDB server would: equality on its leading fields, then a range on the next one, sorted
// by that field and limited, e.g. `{conversationId: c, seq: {$lt: n}}` sorted by `seq` descending,
// limit 50, by an index on `{conversationId: 1, seq: 1}`.
//
// Exactness. The handler applies the whole filter, sort and limit to what comes back, as it always
// does, so a narrowing must only never leave out a matching document, and a LIMIT in SQL is used
// only when the SQL condition is exactly the filter and the ORDER BY exactly the sort:
//   - each pushed condition also checks the field's type in the document's schema, so a string
//     never matches an ObjectId of the same hex, a date never a number, a bool never 0 or 1;
//   - MongoDB matches an array field by its elements, which an index of values cannot: before
//     pushing a field, one index probe looks for rows where it is text that could be an array
//     (or, for a number, any text at all), under the same leading equalities; if there is one, the
//     field is not pushed and the query reads as upstream would;
//   - the sort is pushed only for the field the range is on (its type is checked, so no missing
//     or null values are in the result to be ordered MongoDB's way).
//
// A unique index is built as upstream builds it (keyed by the field's JSON text, see
// typed_indexes.go), and answers an equality on its one field to a string or an ObjectId: a
// narrowing only (sjson writes an ObjectId as the JSON text of its hex, so the handler's filter
// tells the two apart), for values whose JSON text has one spelling, after the same array probe.
// So users are found by their cell number or account id from an index.

package sqlite

import (
	"context"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"

	"github.com/FerretDB/FerretDB/internal/backends/sqlite/metadata"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/fsql"
	"github.com/FerretDB/FerretDB/internal/util/lazyerrors"
)

// numericTypes are the schema types a number compares with.
const numericTypes = `('int', 'long', 'double')`

// fieldCondition is a top-level filter field the index may answer: an equality or a range.
type fieldCondition struct {
	eq      any      // the SQL value of an equality
	eqType  string   // its schema type guard, e.g. `= 'string'`
	rangeOp []string // SQL operators of a numeric range, e.g. `> ?`
	rangeV  []any
}

// numeric says whether the condition compares numbers (its rows' other values must not be text).
func (c *fieldCondition) numeric() bool {
	return c.rangeOp != nil || c.eqType == "IN "+numericTypes
}

// indexPlan is what a typed index answers of a query.
type indexPlan struct {
	where   string
	args    []any
	orderBy string
	limit   int64
	exact   bool // the WHERE is the whole filter
}

// conditionOf reads a top-level filter value the pushdown understands; nil otherwise.
func conditionOf(v any) *fieldCondition {
	switch v := v.(type) {
	case string:
		return &fieldCondition{eq: v, eqType: "= 'string'"}
	case types.ObjectID:
		return &fieldCondition{eq: hex.EncodeToString(v[:]), eqType: "= 'objectId'"}
	case int32:
		return &fieldCondition{eq: int64(v), eqType: "IN " + numericTypes}
	case int64:
		return &fieldCondition{eq: v, eqType: "IN " + numericTypes}
	case *types.Document:
		if v.Len() == 0 {
			return nil
		}

		c := new(fieldCondition)

		for _, op := range v.Keys() {
			var n int64

			switch value, _ := v.Get(op); value := value.(type) {
			case int32:
				n = int64(value)
			case int64:
				n = value
			default:
				return nil
			}

			sqlOp, ok := map[string]string{"$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}[op]
			if !ok {
				return nil
			}

			c.rangeOp = append(c.rangeOp, sqlOp+" ?")
			c.rangeV = append(c.rangeV, n)
		}

		return c
	}

	return nil
}

// anyRow runs a probe query and says whether it found a row.
func anyRow(ctx context.Context, db *fsql.DB, query string, args ...any) (bool, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return false, lazyerrors.Error(err)
	}

	found := rows.Next()
	err = rows.Err()
	rows.Close()

	if err != nil {
		return false, lazyerrors.Error(err)
	}

	return found, nil
}

// plainJSONString matches strings whose JSON text is the string in quotes, with nothing that
// encoding/json escapes (quote, backslash, control characters, <, >, &, anything beyond ASCII):
// written by sjson and read back by SQLite's `->`, such text has only one spelling.
var plainJSONString = regexp.MustCompile(`^[ !#$%'-;=?-\[\]-~]*$`)

// planUniqueIndexQuery narrows an equality on the field of a single-field unique index (see above).
func planUniqueIndexQuery(ctx context.Context, db *fsql.DB, meta *metadata.Collection, conditions map[string]*fieldCondition) (indexPlan, error) {
	for _, index := range meta.Settings.Indexes {
		if index.Typed || !index.Unique || len(index.Key) != 1 || strings.Contains(index.Key[0].Field, ".") {
			continue
		}

		c := conditions[index.Key[0].Field]
		if c == nil || c.rangeOp != nil || (c.eqType != "= 'string'" && c.eqType != "= 'objectId'") {
			continue
		}

		text, _ := c.eq.(string)
		if !plainJSONString.MatchString(text) {
			continue
		}

		column := fmt.Sprintf("%s->%q", metadata.DefaultColumn, index.Key[0].Field)

		found, err := anyRow(ctx, db, fmt.Sprintf(`SELECT 1 FROM %q WHERE %s >= '[' AND %s < '\' LIMIT 1`, meta.TableName, column, column))
		if err != nil {
			return indexPlan{}, err
		}

		if found {
			continue
		}

		return indexPlan{where: " WHERE " + column + " = ?", args: []any{`"` + text + `"`}}, nil
	}

	return indexPlan{}, nil
}

// planIndexQuery finds the typed index that answers most of the filter (leading equalities, then
// a range or the sort field) and says what it answers. Nothing (a zero plan) when none helps.
func planIndexQuery(ctx context.Context, db *fsql.DB, meta *metadata.Collection, filter, sort *types.Document, limit int64) (indexPlan, error) {
	if filter.Len() == 0 {
		return indexPlan{}, nil
	}

	conditions := make(map[string]*fieldCondition, filter.Len())
	understood := true

	for _, key := range filter.Keys() {
		v, _ := filter.Get(key)
		c := conditionOf(v)

		if c == nil || strings.ContainsAny(key, ".$\"'\\") {
			understood = false
			continue
		}

		conditions[key] = c
	}

	var best []string

	for _, index := range meta.Settings.Indexes {
		if !index.Typed {
			continue
		}

		var used []string

		for _, key := range index.Key {
			c := conditions[key.Field]
			if c == nil {
				break
			}

			used = append(used, key.Field)

			if c.rangeOp != nil {
				break // a range ends what the index can narrow
			}
		}

		if len(used) > len(best) {
			best = used
		}
	}

	if len(best) == 0 {
		return planUniqueIndexQuery(ctx, db, meta, conditions)
	}

	// Fields holding values an index of values cannot answer for (arrays; text in a number) are not pushed.
	var where []string
	var args []any

	for i, field := range best {
		c := conditions[field]
		column := metadata.TypedColumn(field)

		suspect := column + ` >= '[' AND ` + column + ` < '\'`
		if c.numeric() {
			suspect = column + ` >= ''`
		}

		probe := fmt.Sprintf(`SELECT 1 FROM %q WHERE `, meta.TableName) + strings.Join(append(append([]string{}, where...), suspect), " AND ") + ` LIMIT 1`

		found, err := anyRow(ctx, db, probe, args...)
		if err != nil {
			return indexPlan{}, err
		}

		if found {
			best = best[:i]
			understood = false

			break
		}

		guard := metadata.TypeColumn(field) + " " + c.eqType
		if c.rangeOp != nil {
			guard = metadata.TypeColumn(field) + " IN " + numericTypes
			for j, op := range c.rangeOp {
				where = append(where, column+" "+op)
				args = append(args, c.rangeV[j])
			}
		} else {
			where = append(where, column+" = ?")
			args = append(args, c.eq)
		}

		where = append(where, guard)
	}

	if len(best) == 0 {
		return indexPlan{}, nil
	}

	plan := indexPlan{
		where: " WHERE " + strings.Join(where, " AND "),
		args:  args,
		exact: understood && len(best) == filter.Len(),
	}

	if !plan.exact {
		return plan, nil
	}

	switch {
	case sort.Len() == 0:
		plan.limit = limit
	case sort.Len() == 1:
		last := best[len(best)-1]
		if sort.Keys()[0] != last || conditions[last].rangeOp == nil {
			break
		}

		order := " ASC"
		if v, _ := sort.Get(last); v == int64(-1) || v == int32(-1) || v == float64(-1) {
			order = " DESC"
		}

		plan.orderBy = " ORDER BY " + metadata.TypedColumn(last) + order
		plan.limit = limit
	}

	return plan, nil
}
