// A project patch to FerretDB v1.24.2: the single-pass decoder (sjson_fast.go) against upstream's.
// Run by the project's FerretDB build (libs/embedded-db/src/ferretdb-install.ts) before it
// installs the binary.

package sjson

import (
	"bytes"
	"math"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// randomValue is any sjson value, nested up to depth.
func randomValue(r *rand.Rand, depth int) any {
	kinds := 13
	if depth <= 0 {
		kinds = 11
	}

	switch r.Intn(kinds) {
	case 0:
		return []float64{0, -1.5, 1e21, 3.14159, math.MaxFloat64, math.SmallestNonzeroFloat64, float64(r.Int63())}[r.Intn(7)]
	case 1:
		return []string{"", "plain", "quote \" and \\ backslash", "tab\tnew\nline", "ünïcødé ✓ 🚀", "<html>&", "\u2028", "ctl\x01"}[r.Intn(8)]
	case 2:
		b := make([]byte, r.Intn(40))
		r.Read(b)

		return types.Binary{B: b, Subtype: types.BinarySubtype(r.Intn(8))}
	case 3:
		var id types.ObjectID
		r.Read(id[:])

		return id
	case 4:
		return r.Intn(2) == 0
	case 5:
		return time.UnixMilli(r.Int63n(4e12) - 1e12)
	case 6:
		return types.Null
	case 7:
		return types.Regex{Pattern: "^a.*\\d$", Options: []string{"", "i", "ms"}[r.Intn(3)]}
	case 8:
		return int32(r.Int63n(math.MaxUint32) + math.MinInt32)
	case 9:
		return types.Timestamp(r.Uint64())
	case 10:
		return r.Int63() - r.Int63()
	case 11:
		return randomFields(r, depth-1, true)
	default:
		a := types.MakeArray(0)
		for i := r.Intn(5); i > 0; i-- {
			a.Append(randomValue(r, depth-1))
		}

		return a
	}
}

// randomDocument: a key that needs escaping only below the top level (Marshal does not escape top-level keys).
func randomDocument(r *rand.Rand, depth int) *types.Document {
	return randomFields(r, depth, false)
}

func randomFields(r *rand.Rand, depth int, nested bool) *types.Document {
	d := must.NotFail(types.NewDocument())
	keys := []string{"_id", "a", "b.c", "counts", "ключ", "$x", "z", "with \"quote\""}
	if !nested {
		keys = keys[:len(keys)-1]
	}

	for i := r.Intn(len(keys) + 1); i > 0; i-- {
		d.Set(keys[r.Intn(len(keys))], randomValue(r, depth))
	}

	return d
}

func TestUnmarshalFastMatchesUpstream(t *testing.T) {
	r := rand.New(rand.NewSource(1))

	for i := 0; i < 20000; i++ {
		data := must.NotFail(Marshal(randomDocument(r, 3)))

		want, wantErr := unmarshalSlow(data)
		got, ok := unmarshalFast(data)

		if wantErr != nil {
			t.Fatalf("upstream cannot decode what Marshal wrote: %v\n%s", wantErr, data)
		}

		if !ok {
			t.Fatalf("fast path refused what Marshal wrote:\n%s", data)
		}

		if a, b := must.NotFail(Marshal(want)), must.NotFail(Marshal(got)); !bytes.Equal(a, b) {
			t.Fatalf("decoders differ on\n%s\nupstream: %s\nfast:     %s", data, a, b)
		}

		// Again, with its schema from the cache now.
		if again, ok := unmarshalFast(data); !ok || !bytes.Equal(must.NotFail(Marshal(again)), must.NotFail(Marshal(want))) {
			t.Fatalf("second decode (cached schema) differs on\n%s", data)
		}
	}
}

func TestUnmarshalEscapedStrings(t *testing.T) {
	inner := must.NotFail(types.NewDocument("k\"ey", "va\"lue\n", "u", "\u00e9\u2028"))
	data := must.NotFail(Marshal(must.NotFail(types.NewDocument("d", inner))))

	got, ok := unmarshalFast(data)
	if !ok {
		t.Fatalf("fast path refused %s", data)
	}

	v := must.NotFail(must.NotFail(got.Get("d")).(*types.Document).Get("k\"ey"))
	if v != "va\"lue\n" {
		t.Fatalf("got %q", v)
	}
}

// TestUnmarshalBrokenInput: what upstream refuses, Unmarshal refuses too (the fast path gives up).
func TestUnmarshalBrokenInput(t *testing.T) {
	good := string(must.NotFail(Marshal(must.NotFail(types.NewDocument("a", int32(1), "b", "x", "c", must.NotFail(types.NewArray(1.5)))))))

	for _, broken := range []string{
		"",
		"{}",
		good[:len(good)-1],
		good + "x",
		strings.Replace(good, `"a":1`, `"a":1.5`, 1),
		strings.Replace(good, `"a":1`, `"a":+1`, 1),
		strings.Replace(good, `"a":1`, `"a":"1"`, 1),
		strings.Replace(good, `"b":"x"`, `"b":x`, 1),
		strings.Replace(good, `"c":[1.5]`, `"c":[1.5,2]`, 1),
		strings.Replace(good, `"c":[1.5]`, `"c":[Inf]`, 1),
		strings.Replace(good, `"b":"x"`, `"a":"x"`, 1),
		strings.Replace(good, `"t":"int"`, `"t":"nope"`, 1),
		strings.Replace(good, `"t":"int"`, `"t":"int","q":1`, 1),
	} {
		if _, err := unmarshalSlow([]byte(broken)); err == nil {
			t.Fatalf("test input is not broken: %s", broken)
		}

		if d, err := Unmarshal([]byte(broken)); err == nil {
			t.Fatalf("decoded broken input %s as %v", broken, d)
		}
	}
}

func BenchmarkUnmarshal(b *testing.B) {
	r := rand.New(rand.NewSource(2))
	docs := make([][]byte, 100)

	for i := range docs {
		docs[i] = must.NotFail(Marshal(randomDocument(r, 2)))
	}

	b.Run("fast", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			must.NotFail(Unmarshal(docs[i%len(docs)]))
		}
	})
	b.Run("upstream", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			must.NotFail(unmarshalSlow(docs[i%len(docs)]))
		}
	})
}
