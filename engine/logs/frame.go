package logs

import (
	"bytes"
	"io"
)

// PartialSize is the engine's log copy buffer: a line longer than it is
// stored as messages of exactly this many bytes, each stamped on its own.
const PartialSize = 16 << 10

// maxStamp bounds an RFC 3339 timestamp with nanoseconds and a zone.
const maxStamp = 36

// framer finds the message boundaries in a stamped stream that has none: a
// TTY container's logs come as one raw byte stream. A message starts with
// a timestamp and a space and ends after a newline or after PartialSize bytes.
type framer struct {
	s       *Source
	stamp   []byte
	inStamp bool
	content int
}

// Unframed returns a writer for a stamped stream without message framing
// (a TTY container's). Long lines still arrive whole.
func (s *Source) Unframed() io.Writer {
	return &framer{s: s, inStamp: true, stamp: make([]byte, 0, maxStamp)}
}

func (f *framer) Write(b []byte) (int, error) {
	n := len(b)
	for len(b) > 0 {
		if f.inStamp {
			i := bytes.IndexByte(b, ' ')
			if i < 0 && len(f.stamp)+len(b) < maxStamp {
				f.stamp = append(f.stamp, b...)
				return n, nil
			}
			take := i + 1
			if i < 0 || len(f.stamp)+take > maxStamp {
				take = min(len(b), maxStamp-len(f.stamp))
			}
			f.stamp = append(f.stamp, b[:take]...)
			b = b[take:]
			stamped := f.stamp[len(f.stamp)-1] == ' ' && looksLikeTimestamp(f.stamp[:len(f.stamp)-1])
			if err := f.s.write(f.stamp, stamped); err != nil {
				return 0, err
			}
			f.inStamp = false
			f.content = 0
			if !stamped {
				// not a message start after all: those bytes were content
				f.content = len(f.stamp)
				if bytes.IndexByte(f.stamp, '\n') >= 0 {
					f.inStamp = true
				}
			}
			f.stamp = f.stamp[:0]
			continue
		}
		seg := b[:min(len(b), PartialSize-f.content)]
		if i := bytes.IndexByte(seg, '\n'); i >= 0 {
			seg = seg[:i+1]
			f.inStamp = true
		} else if f.content += len(seg); f.content >= PartialSize {
			f.inStamp = true
		}
		if err := f.s.write(seg, false); err != nil {
			return 0, err
		}
		b = b[len(seg):]
	}
	return n, nil
}
