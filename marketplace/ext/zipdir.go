package ext

import (
	"encoding/binary"
	"fmt"
	"io"
	"sort"

	kzip "github.com/klauspost/compress/zip"
)

// Sizes and signatures of the zip records read before the central
// directory is parsed (APPNOTE.TXT sections 4.3.14 to 4.3.16).
const (
	eocdLen         = 22
	eocdSignature   = 0x06054b50
	eocd64LocLen    = 20
	eocd64LocSig    = 0x07064b50
	eocd64Len       = 56
	eocd64Signature = 0x06064b50
	cdRecordMinLen  = 46
	eocdSearchSpan  = 65 * 1024
)

// directoryEnd is what the end-of-central-directory records declare.
type directoryEnd struct {
	records uint64 // entries in the central directory
	size    uint64 // bytes of the central directory
	offset  uint64 // where it starts
	end     int64  // where the record after it (zip64 end or end) starts
}

// checkDirectory reads the end-of-central-directory record (and its zip64
// form) and refuses an archive whose directory declares more entries or
// bytes than the limits, or does not end where the end record begins,
// before a zip reader allocates anything for it. The zip reader reads
// directory records until one does not parse, whatever the count says,
// so the directory must run exactly up to the end record: then the bytes
// it parses are bounded by the declared size checked here. Archives with
// data prepended (self-extracting ones) are refused by the same rule;
// `idbridge ext pack` never writes them. See decision 0183.
func checkDirectory(r io.ReaderAt, size int64, limits Limits) (directoryEnd, error) {
	span := min(size, eocdSearchSpan)
	tail := make([]byte, span)
	if _, err := r.ReadAt(tail, size-span); err != nil && err != io.EOF {
		return directoryEnd{}, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	at := findDirectoryEnd(tail)
	if at < 0 {
		return directoryEnd{}, fmt.Errorf("%w: no end-of-directory record", ErrCorrupt)
	}
	rec := tail[at:]
	d := directoryEnd{
		records: uint64(binary.LittleEndian.Uint16(rec[10:])),
		size:    uint64(binary.LittleEndian.Uint32(rec[12:])),
		offset:  uint64(binary.LittleEndian.Uint32(rec[16:])),
		end:     size - span + int64(at),
	}
	if d.records == 0xffff || d.size == 0xffff || d.offset == 0xffffffff {
		if err := readDirectoryEnd64(r, &d); err != nil {
			return directoryEnd{}, err
		}
	}
	if d.records > uint64(limits.MaxFiles) {
		return directoryEnd{}, fmt.Errorf("%w: the zip directory declares %d entries, limit %d", ErrTooManyFiles, d.records, limits.MaxFiles)
	}
	if d.size > uint64(limits.MaxDirectoryBytes) {
		return directoryEnd{}, fmt.Errorf("%w: the zip directory is %d bytes, limit %d", ErrDirectoryTooLarge, d.size, limits.MaxDirectoryBytes)
	}
	if d.size < d.records*cdRecordMinLen || d.offset+d.size != uint64(d.end) {
		return directoryEnd{}, fmt.Errorf("%w: the zip directory (%d entries, %d bytes at offset %d) does not end where its end record starts (%d)",
			ErrCorrupt, d.records, d.size, d.offset, d.end)
	}
	return d, nil
}

// findDirectoryEnd returns the position of the last end-of-directory
// signature in tail whose comment fits, as the zip reader finds it, or -1.
func findDirectoryEnd(tail []byte) int {
	for i := len(tail) - eocdLen; i >= 0; i-- {
		if binary.LittleEndian.Uint32(tail[i:]) == eocdSignature {
			n := int(binary.LittleEndian.Uint16(tail[i+eocdLen-2:]))
			if n+eocdLen+i > len(tail) {
				return -1
			}
			return i
		}
	}
	return -1
}

// readDirectoryEnd64 replaces d's values with the zip64 end record's,
// found through the locator just before the end record.
func readDirectoryEnd64(r io.ReaderAt, d *directoryEnd) error {
	loc := d.end - eocd64LocLen
	if loc < 0 {
		return nil
	}
	buf := make([]byte, eocd64LocLen)
	if _, err := r.ReadAt(buf, loc); err != nil {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if binary.LittleEndian.Uint32(buf) != eocd64LocSig {
		return nil // a plain zip whose values happen to be at their maximum
	}
	at := binary.LittleEndian.Uint64(buf[8:])
	if at > uint64(loc) {
		return fmt.Errorf("%w: zip64 end record outside the file", ErrCorrupt)
	}
	rec := make([]byte, eocd64Len)
	if _, err := r.ReadAt(rec, int64(at)); err != nil {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if binary.LittleEndian.Uint32(rec) != eocd64Signature {
		return fmt.Errorf("%w: zip64 end record not found", ErrCorrupt)
	}
	d.records = binary.LittleEndian.Uint64(rec[32:])
	d.size = binary.LittleEndian.Uint64(rec[40:])
	d.offset = binary.LittleEndian.Uint64(rec[48:])
	d.end = int64(at)
	return nil
}

// checkNoOverlap refuses entries whose compressed data overlap each other
// or the directory. Overlapping entries let a few KiB of archive stand for
// gigabytes of output, each entry reusing the others' bytes, while every
// single entry's declared ratio looks harmless.
func checkNoOverlap(files []*kzip.File, dirOffset uint64) error {
	type span struct {
		name       string
		start, end uint64
	}
	spans := make([]span, 0, len(files))
	for _, f := range files {
		if f.Mode().IsDir() && f.CompressedSize64 == 0 {
			continue
		}
		off, err := f.DataOffset()
		if err != nil || off < 0 {
			return &EntryError{Name: f.Name, Detail: "local header unreadable", Err: ErrCorrupt}
		}
		end := uint64(off) + f.CompressedSize64
		if end < uint64(off) || end > dirOffset {
			return &EntryError{Name: f.Name, Detail: "its data runs into the zip directory", Err: ErrOverlappingEntries}
		}
		spans = append(spans, span{f.Name, uint64(off), end})
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	for i := 1; i < len(spans); i++ {
		if spans[i].start < spans[i-1].end {
			return &EntryError{Name: spans[i].name, Detail: fmt.Sprintf("shares bytes with %q", spans[i-1].name), Err: ErrOverlappingEntries}
		}
	}
	return nil
}
