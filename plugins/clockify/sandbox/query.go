package sandbox

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Paging limits. Clockify documents page-size's default (50) and minimum (1)
// but not its maximum; 5000 is what Clockify support stated for all
// non-report endpoints, so larger values are clamped to it.
const (
	defaultPageSize = 50
	maxPageSize     = 5000
)

// defaultAccountStatuses are the account statuses listed when a query does
// not name any (the official description of account-statuses): LIMITED
// and deleted accounts are left out unless asked for.
var defaultAccountStatuses = []string{"ACTIVE", "PENDING_EMAIL_VERIFICATION", "NOT_REGISTERED"}

// userQuery is a member search, from GET .../users query parameters or the
// POST .../users/info body.
type userQuery struct {
	email, name     string
	status          string   // membership status; "" or ALL means any
	accountStatuses []string // nil means defaultAccountStatuses
	roles           []string
	groups          []string
	sortColumn      string
	sortOrder       string
}

// key identifies the query's result for the view cache.
func (q userQuery) key() string {
	return fmt.Sprintf("%q|%q|%s|%v|%v|%v|%s|%s", q.email, q.name, q.status, q.accountStatuses, q.roles, q.groups, q.sortColumn, q.sortOrder)
}

// view returns the indexes of the users matching q in q's order. The result
// is cached until the workspace changes, so walking a large workspace page
// by page filters and sorts once, and each further page is a slice. The
// caller holds at least the store's read lock.
func (w *wsState) view(q userQuery) []int {
	k := q.key()
	w.viewMu.Lock()
	if v, ok := w.views[k]; ok && v.version == w.version {
		w.viewMu.Unlock()
		return v.idx
	}
	w.viewMu.Unlock()

	idx := w.filter(q)
	w.sortUsers(idx, q.sortColumn, q.sortOrder == "DESCENDING")

	w.viewMu.Lock()
	if len(w.views) > 16 { // bound memory: drop every stale or surplus view
		clear(w.views)
	}
	w.views[k] = cachedView{version: w.version, idx: idx}
	w.viewMu.Unlock()
	return idx
}

func (w *wsState) filter(q userQuery) []int {
	accounts := q.accountStatuses
	if len(accounts) == 0 {
		accounts = defaultAccountStatuses
	}
	var inGroups map[string]bool
	if len(q.groups) > 0 {
		inGroups = map[string]bool{}
		for _, gid := range q.groups {
			if g := w.group(gid); g != nil {
				for _, id := range g.UserIDs {
					inGroups[id] = true
				}
			}
		}
	}
	email, name := strings.ToLower(q.email), strings.ToLower(q.name)
	idx := make([]int, 0, len(w.users))
	for i, u := range w.users {
		if q.status != "" && q.status != "ALL" && u.MembershipStatus != q.status {
			continue
		}
		if !slices.Contains(accounts, u.Status) {
			continue
		}
		if email != "" && !strings.Contains(strings.ToLower(u.Email), email) {
			continue
		}
		if name != "" && !strings.Contains(strings.ToLower(u.Name), name) {
			continue
		}
		if inGroups != nil && !inGroups[u.ID] {
			continue
		}
		if len(q.roles) > 0 && !hasAnyRole(u, q.roles) {
			continue
		}
		idx = append(idx, i)
	}
	return idx
}

// hasAnyRole treats owners as admins, as Clockify's role filter does.
func hasAnyRole(u *User, roles []string) bool {
	for _, r := range u.Roles {
		if slices.Contains(roles, r.Role) || (r.Role == "OWNER" && slices.Contains(roles, "WORKSPACE_ADMIN")) {
			return true
		}
	}
	return false
}

// accessRank orders users for sort-column ACCESS: owners, admins, managers,
// then everyone else.
func accessRank(u *User) int {
	rank := 4
	for _, r := range u.Roles {
		switch r.Role {
		case "OWNER":
			rank = min(rank, 0)
		case "WORKSPACE_ADMIN":
			rank = min(rank, 1)
		case "TEAM_MANAGER", "PROJECT_MANAGER":
			rank = min(rank, 2)
		}
	}
	return rank
}

func rateAmount(r *Rate) int {
	if r == nil {
		return 0
	}
	return r.Amount
}

// sortUsers sorts in place; ties fall back to the id so paging is stable.
func (w *wsState) sortUsers(idx []int, column string, desc bool) {
	var by func(a, b *User) int
	switch column {
	case "ID":
		by = func(a, b *User) int { return 0 }
	case "NAME":
		by = func(a, b *User) int { return strings.Compare(a.Name, b.Name) }
	case "NAME_LOWERCASE":
		by = func(a, b *User) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) }
	case "ACCESS":
		by = func(a, b *User) int { return cmp.Compare(accessRank(a), accessRank(b)) }
	case "HOURLYRATE":
		by = func(a, b *User) int { return cmp.Compare(rateAmount(a.HourlyRate), rateAmount(b.HourlyRate)) }
	case "COSTRATE":
		by = func(a, b *User) int { return cmp.Compare(rateAmount(a.CostRate), rateAmount(b.CostRate)) }
	default: // EMAIL, Clockify's default
		by = func(a, b *User) int { return strings.Compare(strings.ToLower(a.Email), strings.ToLower(b.Email)) }
	}
	slices.SortFunc(idx, func(i, j int) int {
		a, b := w.users[i], w.users[j]
		c := by(a, b)
		if c == 0 {
			c = strings.Compare(a.ID, b.ID)
		}
		if desc {
			return -c
		}
		return c
	})
}

// pageOf returns the page'th (1-based) window of n items and whether it is
// the last page.
func pageOf(n, page, size int) (lo, hi int, last bool) {
	lo = min((page-1)*size, n)
	hi = min(lo+size, n)
	return lo, hi, hi >= n
}
