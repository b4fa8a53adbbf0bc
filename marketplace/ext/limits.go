package ext

// Limits bound what an archive may make the host do. They are checked
// against the zip's end record before its directory is parsed, against
// the directory before anything is decompressed, and again against the
// bytes actually read and produced while streaming, since headers can lie.
type Limits struct {
	// MaxArchiveBytes bounds the .ext file itself.
	MaxArchiveBytes int64
	// MaxFiles bounds the number of entries, directories included.
	MaxFiles int
	// MaxDirectoryBytes bounds the zip's central directory, checked from
	// the end record before the directory is read.
	MaxDirectoryBytes int64
	// MaxFileBytes bounds one unpacked file.
	MaxFileBytes int64
	// MaxTotalBytes bounds the sum of all unpacked files.
	MaxTotalBytes int64
	// MaxRatio bounds how many times larger than its compressed form an
	// entry may unpack, and how many times larger than the archive all
	// entries together may unpack. Real binaries compress 2-4×, text
	// 5-20×; a zip bomb reaches thousands.
	MaxRatio float64
	// RatioFloorBytes exempts small entries from MaxRatio: a 100 KiB file
	// cannot hurt, whatever its ratio.
	RatioFloorBytes int64
	// MaxManifestBytes bounds manifest.json.
	MaxManifestBytes int64
}

// DefaultLimits fit a connector with four platform binaries of up to a few
// hundred MiB each, with a wide margin.
func DefaultLimits() Limits {
	return Limits{
		MaxArchiveBytes:   1 << 30,
		MaxFiles:          256,
		MaxDirectoryBytes: 1 << 20,
		MaxFileBytes:      512 << 20,
		MaxTotalBytes:     2 << 30,
		MaxRatio:          200,
		RatioFloorBytes:   1 << 20,
		MaxManifestBytes:  DefaultMaxManifestBytes,
	}
}

// withDefaults fills zero fields from DefaultLimits, so callers set only
// what they want to tighten.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxArchiveBytes <= 0 {
		l.MaxArchiveBytes = d.MaxArchiveBytes
	}
	if l.MaxFiles <= 0 {
		l.MaxFiles = d.MaxFiles
	}
	if l.MaxDirectoryBytes <= 0 {
		l.MaxDirectoryBytes = d.MaxDirectoryBytes
	}
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = d.MaxFileBytes
	}
	if l.MaxTotalBytes <= 0 {
		l.MaxTotalBytes = d.MaxTotalBytes
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = d.MaxRatio
	}
	if l.RatioFloorBytes <= 0 {
		l.RatioFloorBytes = d.RatioFloorBytes
	}
	if l.MaxManifestBytes <= 0 || l.MaxManifestBytes > DefaultMaxManifestBytes {
		l.MaxManifestBytes = d.MaxManifestBytes
	}
	return l
}
