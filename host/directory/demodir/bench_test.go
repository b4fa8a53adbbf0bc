package demodir

import (
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// BenchmarkPagedSearch10k reads 10,000 users with go-ldap's
// SearchWithPaging (pages of 1000, the usual AD page size) and reports
// entries per second as seen by the client.
func BenchmarkPagedSearch10k(b *testing.B) {
	benchPaged(b, 1000)
}

// BenchmarkPagedSearch10kSmallPages is the same with pages of 100, which
// costs one round trip per 100 entries.
func BenchmarkPagedSearch10kSmallPages(b *testing.B) {
	benchPaged(b, 100)
}

func benchPaged(b *testing.B, pageSize uint32) {
	start := time.Now()
	srv, c := startDemo(b, bulkSeed(10000))
	seeded := time.Since(start)
	req := ldap.NewSearchRequest("OU=Bulk,"+srv.BaseDN(), ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false,
		"(&(objectClass=user)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))",
		[]string{"objectGUID", "sAMAccountName", "userPrincipalName", "mail", "givenName", "sn", "displayName",
			"department", "title", "employeeID", "userAccountControl", "uSNChanged"}, nil)
	b.ResetTimer()
	total := 0
	for i := 0; i < b.N; i++ {
		// SearchWithPaging leaves its control (with the last cookie) on
		// the request, so each run starts from a fresh copy.
		r := *req
		r.Controls = nil
		res, err := c.SearchWithPaging(&r, pageSize)
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Entries) != 10000 {
			b.Fatalf("got %d entries", len(res.Entries))
		}
		total += len(res.Entries)
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "entries/s")
	// Reported last: ResetTimer clears metrics reported before it.
	b.ReportMetric(float64(seeded.Milliseconds()), "ms-to-start-10k")
}
