package demodir

import (
	"sync"

	ber "github.com/go-asn1-ber/asn1-ber"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/jimlambrt/gldap"
)

// AD's diagnostic texts for the two access failures clients recognise.
const (
	msgBindRequired = "000004DC: LdapErr: DSID-0C090A5C, comment: In order to perform this operation a successful bind must be completed on the connection., data 0, v4563"
	msgNoRights     = "00002098: SecErr: DSID-03150E8A, problem 4003 (INSUFF_ACCESS_RIGHTS), data 0; bind as an account allowed to write (the administrator or the service account)"
)

// session is what a connection has proved by binding.
type session struct {
	bound  bool
	writer bool
}

// handlers answers the gldap routes from the directory.
type handlers struct {
	dir         *directory
	pages       *pager
	log         hclog.Logger
	maxPageSize int

	mu       sync.Mutex
	sessions map[int]session
}

func (h *handlers) session(conn int) session {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.sessions[conn]
}

func (h *handlers) setSession(conn int, s session) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.sessions[conn] = s
}

// closed forgets a connection's bind and paged searches.
func (h *handlers) closed(conn int) {
	h.mu.Lock()
	delete(h.sessions, conn)
	h.mu.Unlock()
	h.pages.closeConn(conn)
}

func (h *handlers) routes() (*gldap.Mux, error) {
	mux, err := gldap.NewMux()
	if err != nil {
		return nil, err
	}
	for _, reg := range []func() error{
		func() error { return mux.Bind(h.bind) },
		func() error { return mux.Search(h.search) },
		func() error { return mux.Modify(h.modify) },
		func() error { return mux.Add(h.add) },
		func() error { return mux.Delete(h.remove) },
		func() error { return mux.Unbind(func(*gldap.ResponseWriter, *gldap.Request) {}) },
		func() error { return mux.DefaultRoute(h.unsupported) },
	} {
		if err := reg(); err != nil {
			return nil, err
		}
	}
	return mux, nil
}

func (h *handlers) bind(w *gldap.ResponseWriter, r *gldap.Request) {
	resp := r.NewBindResponse(gldap.WithResponseCode(gldap.ResultInvalidCredentials))
	defer func() { h.write(w, resp) }()
	m, err := r.GetSimpleBindMessage()
	if err != nil {
		resp.SetResultCode(gldap.ResultAuthMethodNotSupported)
		resp.SetDiagnosticMessage("only simple binds are supported; bind with a DN, UPN or DOMAIN\\user and a password")
		return
	}
	switch {
	case m.UserName == "" && m.Password == "":
		h.setSession(r.ConnectionID(), session{})
		resp.SetResultCode(gldap.ResultSuccess)
		return
	case m.Password == "":
		resp.SetResultCode(gldap.ResultUnwillingToPerform)
		resp.SetDiagnosticMessage("a bind with a name but no password is refused; supply the password")
		return
	}
	writer, err := h.dir.authenticate(m.UserName, string(m.Password))
	if err != nil {
		h.setSession(r.ConnectionID(), session{})
		re := asResult(err)
		resp.SetResultCode(re.Code)
		resp.SetDiagnosticMessage(re.Message)
		h.log.Debug("bind refused", "user", m.UserName)
		return
	}
	h.setSession(r.ConnectionID(), session{bound: true, writer: writer})
	resp.SetResultCode(gldap.ResultSuccess)
}

func (h *handlers) search(w *gldap.ResponseWriter, r *gldap.Request) {
	done := r.NewSearchDoneResponse(gldap.WithResponseCode(gldap.ResultSuccess))
	fail := func(err error) {
		re := asResult(err)
		done.SetResultCode(re.Code)
		done.SetDiagnosticMessage(re.Message)
		h.write(w, done)
	}
	m, err := r.GetSearchMessage()
	if err != nil {
		fail(resultErr(2, "malformed search request"))
		return
	}
	var paging *gldap.ControlPaging
	showDeleted := false
	for _, c := range m.Controls {
		switch ctl := c.(type) {
		case *gldap.ControlPaging:
			paging = ctl
		case *gldap.ControlMicrosoftShowDeleted:
			showDeleted = true
		case *gldap.ControlString:
			if ctl.ControlType == oidShowDeleted {
				showDeleted = true
				continue
			}
			if ctl.Criticality {
				fail(resultErr(12, "control %s is not supported by this directory; send it as non-critical or leave it out", ctl.ControlType))
				return
			}
		}
	}
	f, err := compileFilter(m.Filter)
	if err != nil {
		fail(resultErr(2, "the filter %q does not parse: %v", m.Filter, err))
		return
	}
	if m.BaseDN == "" && m.Scope == gldap.BaseObject {
		h.writeRootDSE(w, r, m, f)
		h.write(w, done)
		return
	}
	if !h.session(r.ConnectionID()).bound {
		fail(resultErr(1, msgBindRequired))
		return
	}
	req := searchRequest{base: m.BaseDN, scope: int64(m.Scope), filter: f, attrs: m.Attributes, typesOnly: m.TypesOnly, showDeleted: showDeleted}
	if paging != nil {
		h.pagedSearch(w, r, m, req, paging, done)
		return
	}
	keys, err := h.dir.find(req)
	if err != nil {
		fail(err)
		return
	}
	limit := h.maxPageSize
	if m.SizeLimit > 0 && int(m.SizeLimit) < limit {
		limit = int(m.SizeLimit)
	}
	truncated := len(keys) > limit
	if truncated {
		keys = keys[:limit]
	}
	h.writeEntries(w, r, h.dir.render(keys, m.Attributes, m.TypesOnly))
	if truncated {
		done.SetResultCode(gldap.ResultSizeLimitExceeded)
		done.SetDiagnosticMessage("more entries match than the size limit allows; use the paged results control")
	}
	h.write(w, done)
}

// pagedSearch serves one page of an RFC 2696 search.
func (h *handlers) pagedSearch(w *gldap.ResponseWriter, r *gldap.Request, m *gldap.SearchMessage, req searchRequest, ctl *gldap.ControlPaging, done *gldap.SearchResponseDone) {
	conn := r.ConnectionID()
	sig := searchSignature(m.BaseDN, int64(m.Scope), m.Filter, m.Attributes)
	reply := &gldap.ControlPaging{}
	fail := func(err error) {
		re := asResult(err)
		done.SetResultCode(re.Code)
		done.SetDiagnosticMessage(re.Message)
		h.write(w, done)
	}
	if ctl.PagingSize == 0 {
		// The client is done with the search: forget it.
		h.pages.drop(string(ctl.Cookie), conn)
		done.SetControls(reply)
		h.write(w, done)
		return
	}
	var st *pageState
	if len(ctl.Cookie) == 0 {
		keys, err := h.dir.find(req)
		if err != nil {
			fail(err)
			return
		}
		st = &pageState{conn: conn, signature: sig, keys: keys}
	} else {
		var err error
		if st, err = h.pages.take(string(ctl.Cookie), conn, sig); err != nil {
			fail(err)
			return
		}
	}
	size := int(ctl.PagingSize)
	if size > h.maxPageSize {
		size = h.maxPageSize // AD's MaxPageSize silently caps the page
	}
	end := min(st.pos+size, len(st.keys))
	page := st.keys[st.pos:end]
	limitHit := false
	if m.SizeLimit > 0 && st.sent+len(page) > int(m.SizeLimit) {
		page = page[:int(m.SizeLimit)-st.sent]
		limitHit = true
	}
	results := h.dir.render(page, m.Attributes, m.TypesOnly)
	h.writeEntries(w, r, results)
	st.sent += len(page)
	st.pos = end
	switch {
	case limitHit:
		done.SetResultCode(gldap.ResultSizeLimitExceeded)
		done.SetDiagnosticMessage("the search's size limit was reached")
	case st.pos < len(st.keys):
		reply.Cookie = []byte(h.pages.put(st))
	}
	done.SetControls(reply)
	h.write(w, done)
}

func (h *handlers) writeRootDSE(w *gldap.ResponseWriter, r *gldap.Request, m *gldap.SearchMessage, f *filter) {
	attrs := h.dir.rootDSE(time.Now())
	// The rootDSE matches (objectClass=*) and any filter on its own
	// objectClass; other filters are not evaluated against it.
	if f.key == "objectclass" || f.key == "" {
		e := &entry{attrs: map[string][]string{"objectclass": {"top"}}}
		if f.match(h.dir, e) == triFalse {
			return
		}
	}
	resp := r.NewSearchResponseEntry("")
	for _, a := range selectRootDSE(attrs, m.Attributes) {
		resp.AddAttribute(a.name, a.vals)
	}
	h.write(w, resp)
}

func (h *handlers) writeEntries(w *gldap.ResponseWriter, r *gldap.Request, results []result) {
	for _, res := range results {
		resp := r.NewSearchResponseEntry(res.dn)
		for _, a := range res.attrs {
			resp.AddAttribute(a.name, a.vals)
		}
		if err := w.Write(resp); err != nil {
			h.log.Debug("client went away during a search", "error", err)
			return
		}
	}
}

// writable checks that the connection may change the directory.
func (h *handlers) writable(conn int) error {
	s := h.session(conn)
	switch {
	case !s.bound:
		return resultErr(1, msgBindRequired)
	case !s.writer:
		return resultErr(50, msgNoRights)
	}
	return nil
}

func (h *handlers) modify(w *gldap.ResponseWriter, r *gldap.Request) {
	resp := r.NewModifyResponse(gldap.WithResponseCode(gldap.ResultSuccess))
	m, err := r.GetModifyMessage()
	if err == nil {
		err = h.writable(r.ConnectionID())
	}
	if err == nil {
		changes := make([]change, len(m.Changes))
		for i, c := range m.Changes {
			changes[i] = change{op: int(c.Operation), attr: c.Modification.Type, vals: modifyValues(c.Modification.Vals)}
		}
		err = h.dir.modify(m.DN, changes)
	}
	h.respond(w, resp.GeneralResponse, err, "modify")
}

func (h *handlers) add(w *gldap.ResponseWriter, r *gldap.Request) {
	resp := r.NewResponse(gldap.WithApplicationCode(gldap.ApplicationAddResponse), gldap.WithResponseCode(gldap.ResultSuccess))
	m, err := r.GetAddMessage()
	if err == nil {
		err = h.writable(r.ConnectionID())
	}
	if err == nil {
		attrs := make(map[string][]string, len(m.Attributes))
		for _, a := range m.Attributes {
			attrs[a.Type] = append(attrs[a.Type], a.Vals...)
		}
		err = h.dir.add(m.DN, attrs, addOptions{})
	}
	h.respond(w, resp, err, "add")
}

func (h *handlers) remove(w *gldap.ResponseWriter, r *gldap.Request) {
	resp := r.NewResponse(gldap.WithApplicationCode(gldap.ApplicationDelResponse), gldap.WithResponseCode(gldap.ResultSuccess))
	m, err := r.GetDeleteMessage()
	if err == nil {
		err = h.writable(r.ConnectionID())
	}
	tree := false
	if err == nil {
		for _, c := range m.Controls {
			cs, ok := c.(*gldap.ControlString)
			switch {
			case ok && cs.ControlType == oidTreeDelete:
				tree = true
			case ok && cs.Criticality:
				err = resultErr(12, "control %s is not supported; leave it out", cs.ControlType)
			}
		}
	}
	if err == nil {
		err = h.dir.remove(m.DN, tree)
	}
	h.respond(w, resp, err, "delete")
}

func (h *handlers) unsupported(w *gldap.ResponseWriter, r *gldap.Request) {
	resp := r.NewResponse(gldap.WithResponseCode(gldap.ResultUnwillingToPerform),
		gldap.WithDiagnosticMessage("this operation is not supported by the demo directory"))
	h.write(w, resp)
}

// respond sets the result of a write and logs it without any values.
func (h *handlers) respond(w *gldap.ResponseWriter, resp *gldap.GeneralResponse, err error, op string) {
	if err != nil {
		re := asResult(err)
		resp.SetResultCode(re.Code)
		resp.SetDiagnosticMessage(re.Message)
		h.log.Debug("write refused", "op", op, "code", re.Code)
	}
	h.write(w, resp)
}

func (h *handlers) write(w *gldap.ResponseWriter, resp gldap.Response) {
	if err := w.Write(resp); err != nil {
		h.log.Debug("could not write a response; the client went away", "error", err)
	}
}

// modifyValues recovers the values of a modify change. The gldap core
// hands over the encoded content of the value SET as one string instead of
// the values, so the elements are decoded here.
func modifyValues(raw []string) []string {
	var out []string
	for _, r := range raw {
		b := []byte(r)
		for len(b) > 0 {
			p, err := ber.DecodePacketErr(b)
			if err != nil {
				break
			}
			out = append(out, p.Data.String())
			b = b[len(p.Bytes()):]
		}
	}
	return out
}
