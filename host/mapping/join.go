package mapping

import (
	"encoding/json"
	"fmt"
	"strings"
)

// multiSep joins several values of one field into one string. A record
// keeps one string per projected field, which halves the memory of a
// [][]string for the common single value. JSON text can hold a NUL
// ("\u0000"), so a record whose values hold one (or another control
// character) is refused as a conflict when it is fed in (see badValue),
// and the separator never occurs inside a value. See decision 0197.
const multiSep = "\x00"

// badValue says why an app value cannot be used, or "" when it can: a NUL
// would split it into several values (and could match another user), and
// other control characters (tab, line breaks aside) are never part of a
// name, address or id an admin maps.
func badValue(v string) string {
	for i, r := range v {
		switch {
		case r == 0:
			return fmt.Sprintf("holds a NUL character at byte %d", i)
		case r == '\t' || r == '\n' || r == '\r':
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return fmt.Sprintf("holds the control character %U at byte %d", r, i)
		}
	}
	return ""
}

func splitMulti(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, multiSep)
}

// entry is one joined record in compact form: its key, which endpoints
// contributed, and only the projected fields (one string per slot).
type entry struct {
	key     string
	present uint64
	vals    []string
}

// JoinReport accounts for every record fed in: none is dropped silently.
type JoinReport struct {
	Endpoints []EndpointReport `json:"endpoints"`
	// Joined is the number of records the plan works on (present in the
	// primary endpoint).
	Joined int `json:"joined"`
	// Incomplete is how many of them lack a record in some other endpoint;
	// their fields from that endpoint are missing.
	Incomplete int `json:"incomplete"`
}

// EndpointReport is one endpoint's share of the join.
type EndpointReport struct {
	Alias   string `json:"alias"`
	Records int    `json:"records"`
	// MissingKey counts records without a (single) primary key value; they
	// cannot be joined or planned.
	MissingKey int `json:"missingKey"`
	// Duplicates counts records whose key was already seen in this endpoint;
	// the first one wins.
	Duplicates int `json:"duplicates"`
	// Unjoined counts records of a secondary endpoint whose key is not in
	// the primary one.
	Unjoined int `json:"unjoined"`
	// Missing counts primary records without a record here.
	Missing int `json:"missing"`
	// Issues shows the first few problem records so the admin can find them.
	Issues []RecordIssue `json:"issues,omitempty"`
}

// RecordIssue describes one problem record.
type RecordIssue struct {
	// Index is the record's position in the endpoint's stream, from 0; -1
	// for problems found only once every endpoint is in (unjoined records).
	Index   int    `json:"index"`
	Key     string `json:"key,omitempty"`
	Problem string `json:"problem"`
	// Record is the record as JSON, shortened.
	Record string `json:"record,omitempty"`
}

// maxIssues bounds the samples kept per endpoint; the counts stay exact.
const maxIssues = 20

func (r *EndpointReport) issue(idx int, key, problem string, rec map[string]any) {
	if len(r.Issues) >= maxIssues {
		return
	}
	is := RecordIssue{Index: idx, Key: key, Problem: problem}
	if rec != nil {
		if b, err := json.Marshal(rec); err == nil {
			is.Record = shortenBytes(b, 200)
		}
	}
	r.Issues = append(r.Issues, is)
}

func shortenBytes(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n]) + "…"
}

// AddRecords projects and joins a batch of records from one endpoint, as
// the connector's Fetch stream delivers them. Endpoints may be fed in any
// order and interleaved; it is safe to call concurrently with AddUser.
func (p *Planner) AddRecords(alias string, batch []map[string]any) error {
	ei, ok := p.aliases[alias]
	if !ok {
		return fmt.Errorf("%w: %q is not an endpoint of data source %q", ErrUnknownEndpoint, alias, p.def.Name)
	}
	p.recMu.Lock()
	defer p.recMu.Unlock()
	rep := &p.join[ei]
	bit := uint64(1) << ei
	var buf []string
	for _, rec := range batch {
		idx := rep.Records
		rep.Records++
		buf = p.keyPaths[ei].values(rec, buf[:0])
		if len(buf) == 0 {
			// A key holding a list is a different mistake from no key;
			// say which.
			buf = p.keyPaths[ei].asList().values(rec, buf)
		}
		if len(buf) != 1 {
			rep.MissingKey++
			problem := fmt.Sprintf("no value for primary key %q", p.def.Endpoints[ei].PrimaryKey)
			if len(buf) > 1 {
				problem = fmt.Sprintf("primary key %q has %d values", p.def.Endpoints[ei].PrimaryKey, len(buf))
			}
			rep.issue(idx, "", problem, rec)
			continue
		}
		key := strings.TrimSpace(buf[0])
		norm := key
		if p.def.KeyFold {
			norm = strings.ToLower(key)
		}
		pos, exists := p.byKey[norm]
		if !exists {
			pos = int32(len(p.entries))
			p.entries = append(p.entries, entry{key: key, vals: p.recSlots.take(p.nslots)})
			p.byKey[norm] = pos
		}
		e := &p.entries[pos]
		if e.present&bit != 0 {
			rep.Duplicates++
			rep.issue(idx, key, "duplicate primary key; the first record with it is used", rec)
			continue
		}
		e.present |= bit
		if why := badValue(key); why != "" {
			p.refuse(pos, "the primary key "+why)
		}
		size := 0
		if ei == 0 {
			size = len(key)
		}
		for _, sp := range p.slotPaths[ei] {
			buf = sp.path.values(rec, buf[:0])
			for _, v := range buf {
				if why := badValue(v); why != "" {
					p.refuse(pos, "field "+sp.name+" "+why)
					buf = buf[:0] // keep none of it: the record is left alone
					break
				}
			}
			switch len(buf) {
			case 0:
			case 1:
				e.vals[sp.slot] = buf[0] // the record's own string, copied below
			default:
				e.vals[sp.slot] = strings.Join(buf, multiSep)
			}
			size += len(e.vals[sp.slot])
		}
		p.keepCompact(e, ei, key, size)
	}
	return nil
}

// keepCompact copies what the entry keeps of one endpoint's record (the
// key, for the primary endpoint, and the values of its slots) into one
// string, so the planner holds no part of the batch.
func (p *Planner) keepCompact(e *entry, ei int, key string, size int) {
	if size == 0 {
		return
	}
	t := newText(size)
	if ei == 0 {
		e.key = t.keep(key) // the primary endpoint's spelling is the one shown
	}
	for _, sp := range p.slotPaths[ei] {
		if v := e.vals[sp.slot]; v != "" {
			e.vals[sp.slot] = t.keep(v)
		}
	}
}

// refuse marks the record at pos as one the plan must leave alone, keeping
// the first reason.
func (p *Planner) refuse(pos int32, why string) {
	if p.refused == nil {
		p.refused = map[int32]string{}
	}
	if _, ok := p.refused[pos]; !ok {
		p.refused[pos] = why
	}
}

// joinReport finishes the report: unjoined secondary records and primary
// records missing elsewhere are counted here, when all input is in.
func (p *Planner) joinReport() JoinReport {
	rep := JoinReport{Endpoints: make([]EndpointReport, len(p.join))}
	copy(rep.Endpoints, p.join)
	for i := range rep.Endpoints {
		rep.Endpoints[i].Issues = append([]RecordIssue(nil), p.join[i].Issues...)
	}
	all := uint64(1)<<len(p.def.Endpoints) - 1
	for _, e := range p.entries {
		if e.present&1 == 0 {
			for ei := 1; ei < len(p.def.Endpoints); ei++ {
				if e.present&(1<<ei) != 0 {
					r := &rep.Endpoints[ei]
					r.Unjoined++
					r.issue(-1, e.key, "no record with this key in "+p.def.Endpoints[0].Alias+"; ignored", nil)
				}
			}
			continue
		}
		rep.Joined++
		if e.present != all {
			rep.Incomplete++
			for ei := 1; ei < len(p.def.Endpoints); ei++ {
				if e.present&(1<<ei) == 0 {
					rep.Endpoints[ei].Missing++
				}
			}
		}
	}
	return rep
}
