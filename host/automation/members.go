package automation

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/store"
)

// member is what an event automation remembers of a user in its scope: a
// user is in scope before a change exactly when this record exists, and
// its attributes are what a move template reads as the old values.
type member struct {
	DN         string              `json:"dn"`
	Attributes map[string][]string `json:"attributes,omitempty"`
	Enabled    bool                `json:"enabled"`
}

func memberKey(automation, object string) string { return automation + "/" + object }

// loadMember returns the record of object in automation's scope, and
// whether there is one.
func (s *Service) loadMember(ctx context.Context, automation, object string) (member, bool, error) {
	var m member
	err := s.cfg.Docs.Get(ctx, kindMember, memberKey(automation, object), &m)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return member{}, false, nil
	case err != nil:
		return member{}, false, fmt.Errorf("read the scope record of %s: %w", automation, err)
	}
	return m, true, nil
}

func (s *Service) putMember(ctx context.Context, automation, object string, m member) error {
	if err := s.cfg.Docs.Put(ctx, kindMember, memberKey(automation, object), m); err != nil {
		return fmt.Errorf("record %s in the scope of %s: %w", m.DN, automation, err)
	}
	return nil
}

func (s *Service) dropMember(ctx context.Context, automation, object string) error {
	if err := s.cfg.Docs.Delete(ctx, kindMember, memberKey(automation, object)); err != nil {
		return fmt.Errorf("remove %s from the scope record of %s: %w", object, automation, err)
	}
	return nil
}

// forgetMembers deletes automation's whole scope record.
func (s *Service) forgetMembers(ctx context.Context, automation string) error {
	prefix := automation + "/"
	var ids []string
	err := s.cfg.Docs.List(ctx, kindMember, func(id string, _ func(any) error) error {
		if strings.HasPrefix(id, prefix) {
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("list the scope record of %s: %w", automation, err)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(scopeWriters)
	for _, id := range ids {
		g.Go(func() error {
			if err := s.cfg.Docs.Delete(gctx, kindMember, id); err != nil {
				return fmt.Errorf("clear the scope record of %s: %w", automation, err)
			}
			return nil
		})
	}
	return g.Wait()
}

// scopeWriters is how many scope records are written at once while a
// scope is learnt or forgotten. The store commits writes that wait
// together in one transaction, so a scope of 100,000 users is a few
// thousand commits, not 100,000. See decision 0264.
const scopeWriters = 16

// baseline records who is in an event automation's scope now, replacing
// what it remembered. Other trigger types keep no record.
func (s *Service) baseline(ctx context.Context, a Automation) error {
	if a.Trigger.Type != TriggerEvent {
		return nil
	}
	s.dispatch.Lock()
	defer s.dispatch.Unlock()
	if err := s.forgetMembers(ctx, a.ID); err != nil {
		return err
	}
	n := 0
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(scopeWriters)
	err := a.Scope.members(gctx, s.cfg.Directory, func(u directory.User) error {
		n++
		m := member{DN: u.DN, Attributes: u.Attributes, Enabled: u.Enabled()}
		g.Go(func() error { return s.putMember(gctx, a.ID, u.ID, m) })
		return nil
	})
	// A failed write stops the read through gctx: its error is the one
	// that says what went wrong.
	if werr := g.Wait(); werr != nil {
		err = werr
	}
	if err != nil {
		return fmt.Errorf("learn the scope of %s: %w", a.ID, err)
	}
	s.log.Debug("scope learnt", "automation", a.ID, "users", n)
	return nil
}
