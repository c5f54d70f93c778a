// A project patch to FerretDB v1.24.2 (libs/embedded-db/src/ferretdb-install.ts), Apache-2.0 as
// FerretDB is.
//
// Unmarshal decodes a stored document in one pass over its bytes. Upstream decodes it with
// encoding/json once per nesting level and then once more per value, each through a new
// json.Decoder (unmarshalSlow): under a conversation list that was over half of the server's CPU.
// This reads the schema ($s) and the values with one scanner and builds the same
// *types.Document; a schema seen before (documents of a collection share a few) is not parsed again. Anything it does not expect (an escape in a key, a number it cannot parse, a
// schema field it does not know, counts that do not match) hands the whole document to
// unmarshalSlow, which is upstream's decoder unchanged: the result, or the error, is always
// upstream's. sjson_fast_test.go checks both give the same documents.

package sjson

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/FerretDB/FerretDB/internal/types"
)

// Unmarshal decodes the top-level document.
// It decodes document's schema from the `$s` field and uses it to decode the data of the document.
func Unmarshal(data []byte) (*types.Document, error) {
	if d, ok := unmarshalFast(data); ok {
		return d, nil
	}

	return unmarshalSlow(data)
}

// scanner walks JSON text written by Marshal.
type scanner struct {
	data []byte
	pos  int
}

func (s *scanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// consume skips white space and then the byte c; false if the next byte is another one.
func (s *scanner) consume(c byte) bool {
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == c {
		s.pos++
		return true
	}

	return false
}

// peek is the next byte after white space (0 at the end).
func (s *scanner) peek() byte {
	s.skipSpace()
	if s.pos < len(s.data) {
		return s.data[s.pos]
	}

	return 0
}

// stringSpan skips a JSON string, returning its raw bytes (quotes included) and whether it holds an escape.
func (s *scanner) stringSpan() (raw []byte, escaped, ok bool) {
	s.skipSpace()
	if s.pos >= len(s.data) || s.data[s.pos] != '"' {
		return nil, false, false
	}

	start := s.pos
	for i := s.pos + 1; i < len(s.data); i++ {
		switch c := s.data[i]; {
		case c == '"':
			s.pos = i + 1
			return s.data[start:s.pos], escaped, true
		case c == '\\':
			escaped = true
			i++
		case c < 0x20:
			return nil, false, false
		}
	}

	return nil, false, false
}

// str reads a JSON string as encoding/json would.
func (s *scanner) str() (string, bool) {
	raw, escaped, ok := s.stringSpan()
	if !ok {
		return "", false
	}

	inner := raw[1 : len(raw)-1]
	if !escaped && utf8.Valid(inner) {
		return string(inner), true
	}

	var out string
	if err := json.Unmarshal(raw, &out); err != nil {
		return "", false
	}

	return out, true
}

// skipValue skips one JSON value and returns its bytes.
func (s *scanner) skipValue() ([]byte, bool) {
	s.skipSpace()
	if s.pos >= len(s.data) {
		return nil, false
	}

	start := s.pos

	switch c := s.data[s.pos]; c {
	case '"':
		if _, _, ok := s.stringSpan(); !ok {
			return nil, false
		}
	case '{', '[':
		depth := 0
		for s.pos < len(s.data) {
			switch s.data[s.pos] {
			case '"':
				if _, _, ok := s.stringSpan(); !ok {
					return nil, false
				}

				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			s.pos++

			if depth == 0 {
				return s.data[start:s.pos], true
			}
		}

		return nil, false
	default:
		for s.pos < len(s.data) {
			switch s.data[s.pos] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return s.data[start:s.pos], s.pos > start
			}
			s.pos++
		}
	}

	return s.data[start:s.pos], s.pos > start
}

// fields reads an object into its keys and raw values, in order.
func (s *scanner) fields() (keys []string, values [][]byte, ok bool) {
	if !s.consume('{') {
		return nil, nil, false
	}

	if s.consume('}') {
		return nil, nil, true
	}

	keys = make([]string, 0, 16)
	values = make([][]byte, 0, 16)

	for {
		key, ok := s.str()
		if !ok || !s.consume(':') {
			return nil, nil, false
		}

		value, ok := s.skipValue()
		if !ok {
			return nil, nil, false
		}

		keys = append(keys, key)
		values = append(values, value)

		if s.consume(',') {
			continue
		}

		if s.consume('}') {
			return keys, values, true
		}

		return nil, nil, false
	}
}

// end reports whether nothing but white space is left.
func (s *scanner) end() bool {
	s.skipSpace()
	return s.pos == len(s.data)
}

// parseSchema reads a schema object ({"p": {...}, "$k": [...]}).
func parseSchema(data []byte) (*schema, bool) {
	s := scanner{data: data}
	keys, values, ok := s.fields()
	if !ok || !s.end() {
		return nil, false
	}

	sch := new(schema)

	for i, key := range keys {
		switch key {
		case "p":
			ps := scanner{data: values[i]}
			pkeys, pvalues, ok := ps.fields()
			if !ok {
				return nil, false
			}

			sch.Properties = make(map[string]*elem, len(pkeys))
			for j, pkey := range pkeys {
				if sch.Properties[pkey], ok = parseElem(pvalues[j]); !ok {
					return nil, false
				}
			}
		case "$k":
			if sch.Keys, ok = parseStrings(values[i]); !ok {
				return nil, false
			}
		default:
			return nil, false
		}
	}

	return sch, true
}

// parseStrings reads an array of strings.
func parseStrings(data []byte) ([]string, bool) {
	s := scanner{data: data}
	if !s.consume('[') {
		return nil, false
	}

	out := []string{}
	if s.consume(']') {
		return out, true
	}

	for {
		v, ok := s.str()
		if !ok {
			return nil, false
		}

		out = append(out, v)

		if s.consume(',') {
			continue
		}

		return out, s.consume(']') && s.end()
	}
}

// parseElem reads one element of a schema ({"t": ..., "$s"/"o"/"i"/"s": ...}).
func parseElem(data []byte) (*elem, bool) {
	if string(data) == "null" {
		return nil, true
	}

	s := scanner{data: data}
	keys, values, ok := s.fields()
	if !ok {
		return nil, false
	}

	e := new(elem)

	for i, key := range keys {
		vs := scanner{data: values[i]}

		switch key {
		case "t":
			t, ok := vs.str()
			if !ok {
				return nil, false
			}

			e.Type = elemType(t)
		case "$s":
			if e.Schema, ok = parseSchema(values[i]); !ok {
				return nil, false
			}
		case "o":
			o, ok := vs.str()
			if !ok {
				return nil, false
			}

			e.Options = &o
		case "i":
			if !vs.consume('[') {
				return nil, false
			}

			e.Items = []*elem{}
			if vs.consume(']') {
				continue
			}

			for {
				raw, ok := vs.skipValue()
				if !ok {
					return nil, false
				}

				item, ok := parseElem(raw)
				if !ok {
					return nil, false
				}

				e.Items = append(e.Items, item)

				if vs.consume(',') {
					continue
				}

				if !vs.consume(']') {
					return nil, false
				}

				break
			}
		case "s":
			n, err := strconv.ParseUint(string(values[i]), 10, 8)
			if err != nil {
				return nil, false
			}

			subtype := types.BinarySubtype(n)
			e.Subtype = &subtype
		default:
			return nil, false
		}
	}

	return e, true
}

// schemaCacheSize bounds the parsed schemas kept: documents of one collection mostly share a few.
const schemaCacheSize = 4096

// schemaCache maps a schema's JSON text to its parsed form, which nothing modifies once parsed.
var schemaCache = struct {
	sync.RWMutex
	m map[string]*schema
}{m: make(map[string]*schema)}

// cachedSchema parses a schema once per distinct text (the cache starts over when full).
func cachedSchema(data []byte) (*schema, bool) {
	schemaCache.RLock()
	sch, ok := schemaCache.m[string(data)]
	schemaCache.RUnlock()

	if ok {
		return sch, true
	}

	if sch, ok = parseSchema(data); !ok {
		return nil, false
	}

	schemaCache.Lock()
	if len(schemaCache.m) >= schemaCacheSize {
		schemaCache.m = make(map[string]*schema)
	}
	schemaCache.m[string(data)] = sch
	schemaCache.Unlock()

	return sch, true
}

func unmarshalFast(data []byte) (*types.Document, bool) {
	s := scanner{data: data}
	keys, values, ok := s.fields()
	if !ok || !s.end() || len(keys) == 0 || keys[0] != "$s" {
		return nil, false
	}

	sch, ok := cachedSchema(values[0])
	if !ok || len(sch.Keys) != len(keys)-1 {
		return nil, false
	}

	return documentWithSchema(keys[1:], values[1:], sch)
}

// documentWithSchema builds the document from its fields in the schema's order.
func documentWithSchema(keys []string, values [][]byte, sch *schema) (*types.Document, bool) {
	if len(keys) == 0 {
		return types.MakeDocument(0), true
	}

	if sch == nil || len(sch.Keys) != len(keys) {
		return nil, false
	}

	d := types.MakeDocument(len(keys))

	for i, key := range sch.Keys {
		j := i
		if j >= len(keys) || keys[j] != key {
			for j = 0; j < len(keys) && keys[j] != key; j++ {
			}

			if j == len(keys) {
				return nil, false
			}
		}

		v, ok := valueWithSchema(values[j], sch.Properties[key])
		if !ok {
			return nil, false
		}

		d.Set(key, v)
	}

	// A repeated key collapses in upstream's map and fails its count check: let it say so.
	return d, d.Len() == len(keys)
}

// isNumber reports whether data is a JSON number (strconv also takes "Inf", "+1" and hex floats).
func isNumber(data []byte) bool {
	if len(data) == 0 || !(data[0] == '-' || (data[0] >= '0' && data[0] <= '9')) {
		return false
	}

	for _, c := range data {
		switch {
		case c >= '0' && c <= '9', c == '-', c == '+', c == '.', c == 'e', c == 'E':
		default:
			return false
		}
	}

	return true
}

// valueWithSchema decodes one value as unmarshalSingleValue does.
func valueWithSchema(data []byte, sch *elem) (any, bool) {
	if string(data) == "null" {
		return types.Null, true
	}

	if sch == nil {
		return nil, false
	}

	switch sch.Type {
	case elemTypeDouble, elemTypeDate, elemTypeInt, elemTypeTimestamp, elemTypeLong:
		if !isNumber(data) {
			return nil, false
		}
	}

	switch sch.Type {
	case elemTypeObject:
		s := scanner{data: data}
		keys, values, ok := s.fields()
		if !ok || !s.end() {
			return nil, false
		}

		if sch.Schema == nil {
			return nil, false
		}

		return documentWithSchema(keys, values, sch.Schema)
	case elemTypeArray:
		s := scanner{data: data}
		if sch.Items == nil || !s.consume('[') {
			return nil, false
		}

		a := types.MakeArray(len(sch.Items))
		if s.consume(']') {
			return a, len(sch.Items) == 0 && s.end()
		}

		for i := 0; ; i++ {
			raw, ok := s.skipValue()
			if !ok || i >= len(sch.Items) {
				return nil, false
			}

			v, ok := valueWithSchema(raw, sch.Items[i])
			if !ok {
				return nil, false
			}

			a.Append(v)

			if s.consume(',') {
				continue
			}

			return a, s.consume(']') && s.end() && a.Len() == len(sch.Items)
		}
	case elemTypeDouble:
		f, err := strconv.ParseFloat(string(data), 64)
		return f, err == nil
	case elemTypeString:
		s := scanner{data: data}
		v, ok := s.str()

		return v, ok && s.end()
	case elemTypeBinData:
		s := scanner{data: data}
		v, ok := s.str()
		if !ok || !s.end() || sch.Subtype == nil {
			return nil, false
		}

		b, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			return nil, false
		}

		return types.Binary{B: b, Subtype: *sch.Subtype}, true
	case elemTypeObjectID:
		s := scanner{data: data}
		v, ok := s.str()
		if !ok || !s.end() {
			return nil, false
		}

		var id types.ObjectID
		if len(v) != 2*types.ObjectIDLen {
			return nil, false
		}

		if _, err := hex.Decode(id[:], []byte(v)); err != nil {
			return nil, false
		}

		return id, true
	case elemTypeBool:
		switch string(data) {
		case "true":
			return true, true
		case "false":
			return false, true
		}

		return nil, false
	case elemTypeDate:
		ms, err := strconv.ParseInt(string(data), 10, 64)
		if err != nil {
			return nil, false
		}

		return time.UnixMilli(ms), true
	case elemTypeRegex:
		s := scanner{data: data}
		v, ok := s.str()
		if !ok || !s.end() || sch.Options == nil {
			return nil, false
		}

		return types.Regex{Pattern: v, Options: *sch.Options}, true
	case elemTypeInt:
		n, err := strconv.ParseInt(string(data), 10, 32)
		return int32(n), err == nil
	case elemTypeTimestamp:
		n, err := strconv.ParseUint(string(data), 10, 64)
		return types.Timestamp(n), err == nil
	case elemTypeLong:
		n, err := strconv.ParseInt(string(data), 10, 64)
		return n, err == nil
	}

	return nil, false
}
