package extensions

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/marketplace/ext"
)

// uploadBody returns the archive a client uploads as the request body. A
// Content-Length over the archive limit is refused before anything is
// read; the body is then read with an idle deadline on the connection,
// pushed back after every read but never past the route's body timeout
// (uploadTimeout), so a client that stops sending releases the request
// early instead of holding it open (the copy into staging also stops
// at the limit, whatever Content-Length said). release clears the deadline
// and closes the body, so that a body left unread (refused or stalled) is
// not drained by the server before it answers: the connection is closed
// after the answer instead.
// See decision 0184.
func (m *Manager) uploadBody(c *api.Call) (body io.Reader, release func(), err error) {
	limit := m.limits().MaxArchiveBytes
	if n := c.Request.ContentLength; n > limit {
		return nil, nil, &api.Error{Status: http.StatusRequestEntityTooLarge, Code: codeArchiveTooLarge,
			Message: fmt.Sprintf("%v: the upload is %d bytes, limit %d; nothing was read", ext.ErrArchiveTooLarge, n, limit), Err: ext.ErrArchiveTooLarge}
	}
	rc := c.ResponseController()
	r := &idleBody{r: c.Request.Body, rc: rc, idle: m.idleTimeout(), end: time.Now().Add(uploadTimeout)}
	return r, func() {
		_ = c.Request.Body.Close()
		_ = rc.SetReadDeadline(time.Time{})
	}, nil
}

// idleBody reads a request body with a rolling read deadline.
type idleBody struct {
	r    io.Reader
	rc   *http.ResponseController
	idle time.Duration
	end  time.Time // the whole body's deadline
}

func (b *idleBody) Read(p []byte) (int, error) {
	// Where the writer cannot set deadlines (tests wrapping it), the
	// server's own timeouts are what remain.
	deadline := time.Now().Add(b.idle)
	if deadline.After(b.end) {
		deadline = b.end
	}
	_ = b.rc.SetReadDeadline(deadline)
	n, err := b.r.Read(p)
	if err != nil && errors.Is(err, os.ErrDeadlineExceeded) {
		if !time.Now().Before(b.end) {
			return n, fmt.Errorf("%w (the upload took longer than %s)", ErrUploadStalled, uploadTimeout)
		}
		return n, fmt.Errorf("%w (nothing for %s)", ErrUploadStalled, b.idle)
	}
	return n, err
}
