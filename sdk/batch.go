package sdk

import (
	"encoding/binary"

	"github.com/go-json-experiment/json/jsontext"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// maxFrameBytes caps a streamed message well under gRPC's default 4 MiB
// receive limit, whatever the records' size.
const maxFrameBytes = 1 << 20

// batcher collects the records of one page into streamed messages.
type batcher interface {
	// addAll adds each record of the list at path in body, calling each
	// after every record, and returns how many it read.
	addAll(body []byte, path []string, each func() error) (int, error)
	// full reports whether the batch should be sent now.
	full() bool
	// flush sends the batch, with ex if not nil; an empty batch without
	// an exchange sends nothing.
	flush(page int, ex *connectorv1.Exchange) error
}

// structBatcher builds structpb records; it works with any gRPC codec.
type structBatcher struct {
	stream  grpc.ServerStreamingServer[connectorv1.FetchResponse]
	size    int
	proj    projection
	records []*structpb.Struct
}

func (b *structBatcher) addAll(body []byte, path []string, each func() error) (int, error) {
	return walkRecords(body, path, func(dec *jsontext.Decoder) error {
		if err := b.add(dec); err != nil {
			return err
		}
		return each()
	})
}

func (b *structBatcher) add(dec *jsontext.Decoder) error {
	st, err := readProjected(dec, b.proj)
	if err != nil {
		return err
	}
	b.records = append(b.records, st)
	return nil
}

func (b *structBatcher) full() bool { return len(b.records) >= b.size }

func (b *structBatcher) flush(page int, ex *connectorv1.Exchange) error {
	if len(b.records) == 0 && ex == nil {
		return nil
	}
	msg := &connectorv1.FetchResponse{Records: b.records, Page: int32(page), Exchange: ex}
	b.records = make([]*structpb.Struct, 0, min(b.size, 1024))
	return b.stream.Send(msg)
}

// frameBatcher writes records straight into wire form (see transcode.go),
// reading them with jsonScanner; the server must use WireCodec.
type frameBatcher struct {
	stream grpc.ServerStreamingServer[connectorv1.FetchResponse]
	size   int
	n      int
	w      wireWriter
}

// newFrameBatcher returns a frameBatcher that keeps only the projected
// fields.
func newFrameBatcher(stream grpc.ServerStreamingServer[connectorv1.FetchResponse], size int, proj projection) *frameBatcher {
	return &frameBatcher{stream: stream, size: size, w: wireWriter{proj: proj.compile()}}
}

func (b *frameBatcher) addAll(body []byte, path []string, each func() error) (int, error) {
	return scanRecords(body, path, func(s *jsonScanner) error {
		if err := b.add(s); err != nil {
			return err
		}
		return each()
	})
}

func (b *frameBatcher) add(s *jsonScanner) error {
	mark := len(b.w.buf)
	if err := b.w.record(s); err != nil {
		b.w.buf, b.w.starts = b.w.buf[:mark], b.w.starts[:0]
		return err
	}
	b.n++
	return nil
}

func (b *frameBatcher) full() bool { return b.n >= b.size || len(b.w.buf) >= maxFrameBytes }

func (b *frameBatcher) flush(page int, ex *connectorv1.Exchange) error {
	if b.n == 0 && ex == nil {
		return nil
	}
	buf := b.w.buf
	buf = binary.AppendUvarint(buf, tag(fetchPage, wireVarint))
	buf = binary.AppendUvarint(buf, uint64(uint32(page)))
	if ex != nil {
		exb, err := proto.Marshal(ex)
		if err != nil {
			return err
		}
		buf = binary.AppendUvarint(buf, tag(fetchExchange, wireBytes))
		buf = binary.AppendUvarint(buf, uint64(len(exb)))
		buf = append(buf, exb...)
	}
	// gRPC may hold the bytes until they are written, so the next frame
	// gets a fresh buffer.
	b.w.buf, b.n = make([]byte, 0, cap(buf)), 0
	return b.stream.SendMsg(frame(buf))
}
