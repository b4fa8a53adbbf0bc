package outbound

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/idbridge/idbridge/host/directory"
	"github.com/idbridge/idbridge/host/macro"
)

// Object kinds.
const (
	KindUser  = "user"
	KindGroup = "group"
)

// Object is the AD object a webhook or a run works on, with the attributes
// its macros read.
type Object struct {
	// ID is the stable id (objectGUID, or entryUUID on OpenLDAP).
	ID string `json:"id"`
	// DN is where the object was when it was read.
	DN string `json:"dn"`
	// Kind is user or group.
	Kind string `json:"kind,omitempty"`
	// Attributes are the AD attributes, by name.
	Attributes map[string][]string `json:"attributes,omitempty"`
	// Previous are the attributes as they were before the change that
	// started the run, for %previous.x% (e.g. the department a user left).
	Previous map[string][]string `json:"previous,omitempty"`
	// Groups are the DNs of every group the user is in, nested ones
	// included (object.groups); set only for templates that read them.
	Groups []string `json:"groups,omitempty"`
}

// Name is how run records and errors name the object for people: its DN,
// else its id.
func (o Object) Name() string {
	if o.DN != "" {
		return o.DN
	}
	return o.ID
}

// Data returns the macro values of the object: the ad, previous and
// object namespaces. Callers add integration and steps.
func (o Object) Data() macro.Data {
	kind := o.Kind
	if kind == "" {
		kind = KindUser
	}
	obj := map[string][]string{"kind": {kind}}
	if o.DN != "" {
		obj["dn"] = []string{o.DN}
		if _, parent, ok := strings.Cut(o.DN, ","); ok {
			obj["parent"] = []string{parent}
		}
	}
	if o.ID != "" {
		obj["id"] = []string{o.ID}
	}
	if kind == KindUser {
		obj[macro.GroupsField] = o.Groups
	}
	ad := make(map[string][]string, len(o.Attributes))
	for k, v := range o.Attributes {
		ad[k] = v
	}
	// previous is always present, so a template reading it for an object
	// without history fails naming the macro instead of rendering nothing.
	prev := make(map[string][]string, len(o.Previous))
	for k, v := range o.Previous {
		prev[k] = v
	}
	return macro.Data{macro.NamespaceAD: ad, macro.NamespacePrevious: prev, macro.NamespaceObject: obj}
}

// Objects finds the AD objects a test runs for.
type Objects interface {
	// Lookup finds a user or group by DN or by stable id.
	Lookup(ctx context.Context, ref string) (Object, error)
}

// DirectoryObjects looks objects up in the directory: a reference holding
// "=" is a DN; anything else is a stable id, or else a logon name
// (sAMAccountName on AD, uid elsewhere), which is what admins type.
type DirectoryObjects struct {
	Client *directory.Client
}

// Lookup implements Objects.
func (d DirectoryObjects) Lookup(ctx context.Context, ref string) (Object, error) {
	if !strings.Contains(ref, "=") {
		u, err := d.Client.UserByID(ctx, ref)
		if err == nil {
			return Object{ID: u.ID, DN: u.DN, Kind: KindUser, Attributes: u.Attributes}, nil
		}
		if !errors.Is(err, directory.ErrNotFound) {
			return Object{}, err
		}
		return d.byLogonName(ctx, ref, err)
	}
	u, err := d.Client.GetUser(ctx, ref)
	if err == nil {
		return Object{ID: u.ID, DN: u.DN, Kind: KindUser, Attributes: u.Attributes}, nil
	}
	if !errors.Is(err, directory.ErrNotFound) {
		return Object{}, err
	}
	var obj *Object
	err = d.Client.Search(ctx, directory.Query{Base: ref, Scope: directory.ScopeBase, Filter: d.Client.GroupFilter(), Attributes: []string{"*"}},
		func(e directory.Entry) error {
			obj = &Object{ID: firstOf(e, "objectGUID", "entryUUID"), DN: e.DN, Kind: KindGroup, Attributes: e.Attributes}
			return nil
		})
	// A DN nobody has is "not found" at the search's base: said in words,
	// without the server's result code. See decision 0271.
	if err != nil && !errors.Is(err, directory.ErrNotFound) {
		return Object{}, err
	}
	if obj == nil {
		return Object{}, fmt.Errorf("no user or group has the DN %s; search for the person and pick them: %w", ref, directory.ErrNotFound)
	}
	return *obj, nil
}

// byLogonName finds the one user whose logon name or mail is name, as
// every place that takes a user does; byID is the error of the id lookup,
// reported when nothing matches either.
func (d DirectoryObjects) byLogonName(ctx context.Context, name string, byID error) (Object, error) {
	u, err := d.Client.ResolveUser(ctx, name)
	if errors.Is(err, directory.ErrNotFound) {
		return Object{}, fmt.Errorf("no user has the id, logon name or mail %q; give a DN, an objectGUID, a logon name or a mail address: %w", name, byID)
	}
	if err != nil {
		return Object{}, err
	}
	return Object{ID: u.ID, DN: u.DN, Kind: KindUser, Attributes: u.Attributes}, nil
}

func firstOf(e directory.Entry, names ...string) string {
	for _, n := range names {
		if v := e.Get(n); v != "" {
			return v
		}
	}
	return ""
}
