package automation

import (
	"context"
	"fmt"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"github.com/idbridge/idbridge/host/directory"
)

// ApplyRequest names who an automation is applied to now.
type ApplyRequest struct {
	// Users are user DNs or stable ids (objectGUID / entryUUID).
	Users []string `json:"users,omitempty"`
	// Groups are group DNs; each stands for its members (nested ones too
	// on Active Directory).
	Groups []string `json:"groups,omitempty"`
}

// ApplyResult says what apply-now did.
type ApplyResult struct {
	// Runs are the ids of the runs started; empty when Held.
	Runs []string `json:"runs"`
	// Objects is the number of distinct users the runs cover.
	Objects int `json:"objects"`
	// Held is true when an integration is disabled and the runs wait.
	Held bool `json:"held,omitempty"`
}

// ApplyNow runs the automation's template for the chosen users and the
// members of the chosen groups, whatever its trigger and even while it is
// disabled: an admin asking is the trigger. Users are run as they are;
// they need not be in the automation's scope.
func (s *Service) ApplyNow(ctx context.Context, id string, req ApplyRequest) (*ApplyResult, error) {
	a, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.Action.Sync != "" {
		runs, err := s.start(ctx, *a, RunByApplyNow, nil)
		if err != nil {
			return nil, err
		}
		return &ApplyResult{Runs: runs, Held: len(runs) == 0}, nil
	}
	if len(req.Users) == 0 && len(req.Groups) == 0 {
		return nil, ErrNoObjects
	}
	seen := map[string]bool{}
	var objs []Object
	add := func(u directory.User) error {
		if !seen[u.ID] {
			seen[u.ID] = true
			objs = append(objs, objectOf(u))
		}
		return nil
	}
	for _, ref := range req.Users {
		u, err := s.user(ctx, ref)
		if err != nil {
			return nil, err
		}
		_ = add(u)
	}
	for _, g := range req.Groups {
		if _, err := ldap.ParseDN(g); err != nil || !strings.Contains(g, "=") {
			return nil, fmt.Errorf("group %q: %w", g, ErrBadDN)
		}
		nested := s.cfg.Directory.Flavor() == directory.FlavorAD
		if err := s.cfg.Directory.Users(ctx, directory.UserQuery{Filter: memberFilter(g, nested)}, add); err != nil {
			return nil, fmt.Errorf("list the members of %s: %w", g, err)
		}
	}
	if len(objs) == 0 {
		return nil, fmt.Errorf("%w: the chosen groups have no user members", ErrNoObjects)
	}
	runs, err := s.start(ctx, *a, RunByApplyNow, objs)
	if err != nil {
		return nil, err
	}
	return &ApplyResult{Runs: runs, Objects: len(objs), Held: len(runs) == 0}, nil
}

// user finds a user by DN, stable id, logon name or mail: the same
// identifiers the webhook test and every other place accept.
func (s *Service) user(ctx context.Context, ref string) (directory.User, error) {
	u, err := s.cfg.Directory.ResolveUser(ctx, ref)
	if err != nil {
		return directory.User{}, fmt.Errorf("user %q: %w", strings.TrimSpace(ref), err)
	}
	return u, nil
}
