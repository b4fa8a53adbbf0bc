package sandbox

import (
	"slices"
	"strings"
	"sync"
)

// store is the sandbox's in-memory state. One RWMutex guards all of it:
// calls are short and the sandbox serves tests, so simplicity wins over
// finer locking. Users live in a slice per workspace with id and e-mail
// indexes, so a 100,000-member workspace costs one allocation per user and
// a page is a slice of a cached, sorted view.
type store struct {
	mu         sync.RWMutex
	workspaces []*wsState
	byID       map[string]*wsState
	apiKeys    map[string]APIKey
	addonKeys  map[string]APIKey
}

// wsState is one workspace. Users are never removed (Clockify cannot remove
// members through the API), so indexes into users stay valid forever.
type wsState struct {
	meta      Workspace // Users and Groups are nil here; see the fields below.
	cakeOrgID string
	users     []*User
	userIdx   map[string]int
	emailIdx  map[string]int // lower-cased e-mail
	groups    []*Group       // in creation order
	groupIdx  map[string]int
	projects  []*Project // in creation order

	// version counts mutations; cached views are valid for one version.
	version uint64
	viewMu  sync.Mutex
	views   map[string]cachedView
	// memberOf caches groupsOf for one version.
	memberOf        map[string][]string
	memberOfVersion uint64
}

// cachedView is a filtered, sorted list of indexes into users.
type cachedView struct {
	version uint64
	idx     []int
}

// newStore copies the seed into a store, filling in Clockify's defaults.
func newStore(seed *Seed) (*store, error) {
	if err := seed.Validate(); err != nil {
		return nil, err
	}
	st := &store{byID: map[string]*wsState{}, apiKeys: map[string]APIKey{}, addonKeys: map[string]APIKey{}}
	for _, ws := range seed.Workspaces {
		w := &wsState{
			meta:      Workspace{ID: ws.ID, Name: ws.Name, Currency: ws.Currency, Plan: ws.Plan, CustomFields: slices.Clone(ws.CustomFields)},
			cakeOrgID: newID(),
			users:     make([]*User, 0, len(ws.Users)),
			userIdx:   make(map[string]int, len(ws.Users)),
			emailIdx:  make(map[string]int, len(ws.Users)),
			groupIdx:  map[string]int{},
			views:     map[string]cachedView{},
		}
		if w.meta.Currency == "" {
			w.meta.Currency = "USD"
		}
		if w.meta.Plan == "" {
			w.meta.Plan = "BUNDLE_YEAR_2024"
		}
		// One backing array for all users keeps large seeds cheap.
		backing := make([]User, len(ws.Users))
		for i, u := range ws.Users {
			backing[i] = copyUser(u)
			if backing[i].Status == "" {
				backing[i].Status = "ACTIVE"
			}
			if backing[i].MembershipStatus == "" {
				backing[i].MembershipStatus = "ACTIVE"
			}
			w.addUser(&backing[i])
		}
		for _, g := range ws.Groups {
			w.addGroup(&Group{ID: g.ID, Name: g.Name, UserIDs: slices.Clone(g.UserIDs)})
		}
		for _, p := range ws.Projects {
			cp := p
			w.projects = append(w.projects, &cp)
		}
		st.workspaces = append(st.workspaces, w)
		st.byID[ws.ID] = w
	}
	for _, k := range seed.APIKeys {
		if k.Addon {
			st.addonKeys[k.Key] = k
		} else {
			st.apiKeys[k.Key] = k
		}
	}
	return st, nil
}

func copyUser(u User) User {
	u.Roles = slices.Clone(u.Roles)
	u.CustomFields = slices.Clone(u.CustomFields)
	if u.HourlyRate != nil {
		r := *u.HourlyRate
		u.HourlyRate = &r
	}
	if u.CostRate != nil {
		r := *u.CostRate
		u.CostRate = &r
	}
	return u
}

func (w *wsState) addUser(u *User) {
	w.userIdx[u.ID] = len(w.users)
	w.emailIdx[strings.ToLower(u.Email)] = len(w.users)
	w.users = append(w.users, u)
	w.version++
}

func (w *wsState) addGroup(g *Group) {
	if g.UserIDs == nil {
		g.UserIDs = []string{}
	}
	w.groupIdx[g.ID] = len(w.groups)
	w.groups = append(w.groups, g)
	w.version++
}

func (w *wsState) removeGroup(id string) {
	i, ok := w.groupIdx[id]
	if !ok {
		return
	}
	w.groups = slices.Delete(w.groups, i, i+1)
	w.groupIdx = make(map[string]int, len(w.groups))
	for j, g := range w.groups {
		w.groupIdx[g.ID] = j
	}
	w.version++
}

func (w *wsState) user(id string) *User {
	if i, ok := w.userIdx[id]; ok {
		return w.users[i]
	}
	return nil
}

func (w *wsState) userByEmail(email string) *User {
	if i, ok := w.emailIdx[strings.ToLower(email)]; ok {
		return w.users[i]
	}
	return nil
}

func (w *wsState) group(id string) *Group {
	if i, ok := w.groupIdx[id]; ok {
		return w.groups[i]
	}
	return nil
}

func (w *wsState) groupByName(name string) *Group {
	for _, g := range w.groups {
		if g.Name == name {
			return g
		}
	}
	return nil
}

func (w *wsState) customField(id string) *CustomField {
	for i := range w.meta.CustomFields {
		if w.meta.CustomFields[i].ID == id {
			return &w.meta.CustomFields[i]
		}
	}
	return nil
}

// isAdmin reports whether the user may administer users in this workspace:
// an active member who is the owner or a workspace admin.
func (w *wsState) isAdmin(userID string) bool {
	u := w.user(userID)
	if u == nil || u.MembershipStatus != "ACTIVE" {
		return false
	}
	for _, r := range u.Roles {
		if r.Role == "OWNER" || r.Role == "WORKSPACE_ADMIN" {
			return true
		}
	}
	return false
}

// groupsOf maps user ids to the ids of the groups they belong to. It is
// built on first use after a change and then shared, so listing group
// memberships page by page does not rescan every group for each page. The
// caller holds at least the store's read lock and must not modify the map.
func (w *wsState) groupsOf() map[string][]string {
	w.viewMu.Lock()
	defer w.viewMu.Unlock()
	if w.memberOf != nil && w.memberOfVersion == w.version {
		return w.memberOf
	}
	m := map[string][]string{}
	for _, g := range w.groups {
		for _, id := range g.UserIDs {
			m[id] = append(m[id], g.ID)
		}
	}
	w.memberOf, w.memberOfVersion = m, w.version
	return m
}

// managersOf returns the indexes of users who manage u as team manager,
// directly or through a group u belongs to.
func (w *wsState) managersOf(u *User) []int {
	inGroup := map[string]bool{}
	for _, g := range w.groups {
		if slices.Contains(g.UserIDs, u.ID) {
			inGroup[g.ID] = true
		}
	}
	var out []int
	for i, m := range w.users {
		for _, r := range m.Roles {
			if r.Role != "TEAM_MANAGER" {
				continue
			}
			if (r.SourceType == "USER_GROUP" && inGroup[r.EntityID]) || (r.SourceType == "" && r.EntityID == u.ID) {
				out = append(out, i)
				break
			}
		}
	}
	return out
}

// teamManagersOf returns the users who manage a group.
func (w *wsState) teamManagersOf(groupID string) []*User {
	var out []*User
	for _, m := range w.users {
		for _, r := range m.Roles {
			if r.Role == "TEAM_MANAGER" && r.SourceType == "USER_GROUP" && r.EntityID == groupID {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

// snapshot copies the store back into the Seed form.
func (st *store) snapshot() *Seed {
	st.mu.RLock()
	defer st.mu.RUnlock()
	s := &Seed{}
	for _, w := range st.workspaces {
		ws := w.meta
		ws.CustomFields = slices.Clone(w.meta.CustomFields)
		ws.Users = make([]User, len(w.users))
		for i, u := range w.users {
			ws.Users[i] = copyUser(*u)
		}
		ws.Groups = make([]Group, len(w.groups))
		for i, g := range w.groups {
			ws.Groups[i] = Group{ID: g.ID, Name: g.Name, UserIDs: slices.Clone(g.UserIDs)}
		}
		s.Workspaces = append(s.Workspaces, ws)
	}
	for _, k := range st.apiKeys {
		s.APIKeys = append(s.APIKeys, k)
	}
	for _, k := range st.addonKeys {
		s.APIKeys = append(s.APIKeys, k)
	}
	slices.SortFunc(s.APIKeys, func(a, b APIKey) int { return strings.Compare(a.ID, b.ID) })
	return s
}
