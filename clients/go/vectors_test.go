package cairn_test

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	cairnv1 "github.com/cairn-run/cairn/clients/go/gen/cairn/v1"
)

const testdata = "../../proto/testdata"

// vectors names every expected vector after the Event payload oneof of the generated code.
func vectors(t *testing.T) map[string]func() proto.Message {
	t.Helper()
	payload := (&cairnv1.Event{}).ProtoReflect().Descriptor().Oneofs().ByName("payload")
	if payload == nil || payload.Fields().Len() == 0 {
		t.Fatal("the generated Event has no payload oneof")
	}
	result := map[string]func() proto.Message{
		"workflow_spec": func() proto.Message { return &cairnv1.WorkflowSpec{} },
	}
	for i := 0; i < payload.Fields().Len(); i++ {
		result["event_"+string(payload.Fields().Get(i).Name())] = func() proto.Message { return &cairnv1.Event{} }
	}
	schedulePayload := (&cairnv1.ScheduleEvent{}).ProtoReflect().Descriptor().Oneofs().ByName("payload")
	for i := 0; i < schedulePayload.Fields().Len(); i++ {
		result["schedule_event_"+string(schedulePayload.Fields().Get(i).Name())] = func() proto.Message { return &cairnv1.ScheduleEvent{} }
	}
	return result
}

func TestVectorsCoverEveryPayloadCase(t *testing.T) {
	expected := vectors(t)
	for _, ext := range []string{".binpb", ".json"} {
		files, err := filepath.Glob(filepath.Join(testdata, "*"+ext))
		if err != nil {
			t.Fatal(err)
		}
		var onDisk, want []string
		for _, file := range files {
			onDisk = append(onDisk, strings.TrimSuffix(filepath.Base(file), ext))
		}
		for name := range expected {
			want = append(want, name)
		}
		sort.Strings(onDisk)
		sort.Strings(want)
		if strings.Join(onDisk, ",") != strings.Join(want, ",") {
			t.Errorf("%s vectors on disk %v, want %v", ext, onDisk, want)
		}
	}
}

func TestVectorsRoundTrip(t *testing.T) {
	for name, newMessage := range vectors(t) {
		t.Run(name, func(t *testing.T) {
			binary, err := os.ReadFile(filepath.Join(testdata, name+".binpb"))
			if err != nil {
				t.Fatal(err)
			}
			text, err := os.ReadFile(filepath.Join(testdata, name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			decoded, fromJSON := newMessage(), newMessage()
			if err := proto.Unmarshal(binary, decoded); err != nil {
				t.Fatalf("binary: %v", err)
			}
			if err := protojson.Unmarshal(text, fromJSON); err != nil {
				t.Fatalf("json: %v", err)
			}
			if !proto.Equal(decoded, fromJSON) {
				t.Errorf("binary and JSON differ:\n%v\n%v", decoded, fromJSON)
			}
			if len(decoded.ProtoReflect().GetUnknown()) != 0 {
				t.Errorf("unknown fields after decoding: %x", decoded.ProtoReflect().GetUnknown())
			}
			if again := canonicalBytes(decoded.ProtoReflect()); !bytes.Equal(again, binary) {
				t.Errorf("re-encoded bytes differ:\n got %x\nwant %x", again, binary)
			}
			// Go's own encoding may order oneof fields differently (see canonicalBytes), so
			// it is checked by decoding it again rather than byte for byte.
			encoded, err := proto.MarshalOptions{Deterministic: true}.Marshal(decoded)
			if err != nil {
				t.Fatal(err)
			}
			redecoded := newMessage()
			if err := proto.Unmarshal(encoded, redecoded); err != nil || !proto.Equal(redecoded, decoded) {
				t.Errorf("Go encoding does not round-trip: %v", err)
			}
			if event, ok := decoded.(*cairnv1.ScheduleEvent); ok {
				set := event.ProtoReflect().WhichOneof(event.ProtoReflect().Descriptor().Oneofs().ByName("payload"))
				if set == nil || "schedule_event_"+string(set.Name()) != name {
					t.Errorf("payload case %v, want %s", fieldName(set), name)
				}
			}
			if event, ok := decoded.(*cairnv1.Event); ok {
				set := event.ProtoReflect().WhichOneof(event.ProtoReflect().Descriptor().Oneofs().ByName("payload"))
				if set == nil || "event_"+string(set.Name()) != name {
					t.Errorf("payload case %v, want %s", fieldName(set), name)
				}
			}
		})
	}
}

// canonicalBytes encodes fields in field-number order with map entries sorted by key, the
// order the Java and Python encoders use. Go's encoder writes a message's oneof fields after
// its other fields, which the wire format allows but which makes bytes differ across
// languages; this encoder is what "identical bytes" is checked against.
func canonicalBytes(message protoreflect.Message) []byte {
	fields := message.Descriptor().Fields()
	ordered := make([]protoreflect.FieldDescriptor, 0, fields.Len())
	for i := 0; i < fields.Len(); i++ {
		ordered = append(ordered, fields.Get(i))
	}
	sort.Slice(ordered, func(i, j int) bool { return ordered[i].Number() < ordered[j].Number() })
	var out []byte
	for _, field := range ordered {
		if !message.Has(field) {
			continue
		}
		value := message.Get(field)
		switch {
		case field.IsMap():
			out = appendMap(out, field, value.Map())
		case field.IsList() && field.IsPacked():
			var packed []byte
			for i := 0; i < value.List().Len(); i++ {
				packed = appendScalar(packed, field, value.List().Get(i))
			}
			out = protowire.AppendTag(out, field.Number(), protowire.BytesType)
			out = protowire.AppendBytes(out, packed)
		case field.IsList():
			for i := 0; i < value.List().Len(); i++ {
				out = appendValue(out, field, value.List().Get(i))
			}
		default:
			out = appendValue(out, field, value)
		}
	}
	return out
}

func appendMap(out []byte, field protoreflect.FieldDescriptor, entries protoreflect.Map) []byte {
	var keys []protoreflect.MapKey
	entries.Range(func(key protoreflect.MapKey, _ protoreflect.Value) bool {
		keys = append(keys, key)
		return true
	})
	sort.Slice(keys, func(i, j int) bool { return keyLess(keys[i].Interface(), keys[j].Interface()) })
	for _, key := range keys {
		entry := appendValue(nil, field.MapKey(), key.Value())
		entry = appendValue(entry, field.MapValue(), entries.Get(key))
		out = protowire.AppendTag(out, field.Number(), protowire.BytesType)
		out = protowire.AppendBytes(out, entry)
	}
	return out
}

// keyLess orders map keys as deterministic encoders do: numerically or by string.
func keyLess(a, b any) bool {
	switch a := a.(type) {
	case string:
		return a < b.(string)
	case int32:
		return a < b.(int32)
	case int64:
		return a < b.(int64)
	case uint32:
		return a < b.(uint32)
	case uint64:
		return a < b.(uint64)
	case bool:
		return !a && b.(bool)
	}
	panic(fmt.Sprintf("unhandled map key %T", a))
}

func appendValue(out []byte, field protoreflect.FieldDescriptor, value protoreflect.Value) []byte {
	switch field.Kind() {
	case protoreflect.StringKind, protoreflect.BytesKind, protoreflect.MessageKind:
		out = protowire.AppendTag(out, field.Number(), protowire.BytesType)
	case protoreflect.Fixed32Kind, protoreflect.Sfixed32Kind, protoreflect.FloatKind:
		out = protowire.AppendTag(out, field.Number(), protowire.Fixed32Type)
	case protoreflect.Fixed64Kind, protoreflect.Sfixed64Kind, protoreflect.DoubleKind:
		out = protowire.AppendTag(out, field.Number(), protowire.Fixed64Type)
	default:
		out = protowire.AppendTag(out, field.Number(), protowire.VarintType)
	}
	return appendScalar(out, field, value)
}

func appendScalar(out []byte, field protoreflect.FieldDescriptor, value protoreflect.Value) []byte {
	switch field.Kind() {
	case protoreflect.BoolKind:
		return protowire.AppendVarint(out, protowire.EncodeBool(value.Bool()))
	case protoreflect.EnumKind:
		return protowire.AppendVarint(out, uint64(value.Enum()))
	case protoreflect.Int32Kind, protoreflect.Int64Kind:
		return protowire.AppendVarint(out, uint64(value.Int()))
	case protoreflect.Uint32Kind, protoreflect.Uint64Kind:
		return protowire.AppendVarint(out, value.Uint())
	case protoreflect.Sint32Kind, protoreflect.Sint64Kind:
		return protowire.AppendVarint(out, protowire.EncodeZigZag(value.Int()))
	case protoreflect.Fixed32Kind:
		return protowire.AppendFixed32(out, uint32(value.Uint()))
	case protoreflect.Sfixed32Kind:
		return protowire.AppendFixed32(out, uint32(value.Int()))
	case protoreflect.FloatKind:
		return protowire.AppendFixed32(out, math.Float32bits(float32(value.Float())))
	case protoreflect.Fixed64Kind:
		return protowire.AppendFixed64(out, value.Uint())
	case protoreflect.Sfixed64Kind:
		return protowire.AppendFixed64(out, uint64(value.Int()))
	case protoreflect.DoubleKind:
		return protowire.AppendFixed64(out, math.Float64bits(value.Float()))
	case protoreflect.StringKind:
		return protowire.AppendString(out, value.String())
	case protoreflect.BytesKind:
		return protowire.AppendBytes(out, value.Bytes())
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return protowire.AppendBytes(out, canonicalBytes(value.Message()))
	}
	panic("unhandled kind " + field.Kind().String())
}

func fieldName(field protoreflect.FieldDescriptor) string {
	if field == nil {
		return "<none>"
	}
	return string(field.Name())
}
