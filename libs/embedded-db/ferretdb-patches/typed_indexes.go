// A project patch to FerretDB v1.24.2 (libs/embedded-db/src/ferretdb-install.ts): typed indexes.
//
// Upstream indexes a field as `_ferretdb_sjson->"field"`, the field's JSON text, which orders
// numbers as text ("10" before "9"), so no range or sort on a number can be answered from it, and
// upstream answers nothing but `{_id: value}` from an index at all. A typed index keys each field
// by its SQL value (`->>`): numbers as numbers, strings and ObjectIds as text, so the backend can
// answer equality, range, sort and limit from it (index_pushdown.go). Unique indexes stay as
// upstream builds them: SQLite's UNIQUE lets several NULLs in, and `->>` makes null and a missing
// field both NULL, where MongoDB allows one.

package metadata

import (
	"context"
	"fmt"
	"strings"

	"github.com/FerretDB/FerretDB/internal/util/fsql"
	"github.com/FerretDB/FerretDB/internal/util/lazyerrors"
)

// TypedColumn is the SQL expression a typed index keys a top-level or dotted field by: its value.
func TypedColumn(field string) string {
	parts := strings.Split(field, ".")
	for i, p := range parts {
		parts[i] = `"` + p + `"`
	}

	return DefaultColumn + "->>'$." + strings.Join(parts, ".") + "'"
}

// TypeColumn is the SQL expression of a top-level field's type in the document's sjson schema.
func TypeColumn(field string) string {
	return DefaultColumn + `->>'$."$s"."p"."` + field + `"."t"'`
}

// typedIndexable says whether an index is built typed: not unique, and field names that need no
// quoting inside a JSON path.
func typedIndexable(index IndexInfo) bool {
	if index.Unique {
		return false
	}

	for _, key := range index.Key {
		if key.Field == "" || strings.ContainsAny(key.Field, "\"'\\$[]") {
			return false
		}
	}

	return true
}

// indexSQL is the CREATE INDEX statement of an index of the table, typed or as upstream makes it.
func indexSQL(tableName string, index IndexInfo) string {
	q := "CREATE "

	if index.Unique {
		q += "UNIQUE "
	}

	columns := make([]string, len(index.Key))

	for i, key := range index.Key {
		if index.Typed {
			columns[i] = TypedColumn(key.Field)
		} else {
			fields := strings.Split(key.Field, ".")
			for j, f := range fields {
				fields[j] = fmt.Sprintf("%q", f)
			}

			columns[i] = fmt.Sprintf("%s->%s", DefaultColumn, strings.Join(fields, "->"))
		}

		if key.Descending {
			columns[i] += " DESC"
		}
	}

	return fmt.Sprintf(q+"INDEX %q ON %q (%s)", tableName+"_"+index.Name, tableName, strings.Join(columns, ", "))
}

// retypeIndexes rebuilds, once, the indexes a database made before typed indexes that would be
// typed now, so that a database from an unpatched or older build gets the pushdown too.
func retypeIndexes(ctx context.Context, db *fsql.DB, colls map[string]*Collection) error {
	for _, c := range colls {
		changed := false

		for i, index := range c.Settings.Indexes {
			if index.Typed || !typedIndexable(index) {
				continue
			}

			index.Typed = true

			if _, err := db.ExecContext(ctx, fmt.Sprintf("DROP INDEX IF EXISTS %q", c.TableName+"_"+index.Name)); err != nil {
				return lazyerrors.Error(err)
			}

			if _, err := db.ExecContext(ctx, indexSQL(c.TableName, index)); err != nil {
				return lazyerrors.Error(err)
			}

			c.Settings.Indexes[i] = index
			changed = true
		}

		if !changed {
			continue
		}

		q := fmt.Sprintf("UPDATE %q SET settings = ? WHERE table_name = ?", metadataTableName)
		if _, err := db.ExecContext(ctx, q, c.Settings, c.TableName); err != nil {
			return lazyerrors.Error(err)
		}
	}

	return nil
}
