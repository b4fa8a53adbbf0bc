package acmeapi

import (
	"fmt"
	"time"
)

// User is a person in the Acme directory, as the API returns it.
type User struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Team      string    `json:"team"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"createdAt"`
}

// Team is a group of users.
type Team struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	MemberCount int    `json:"memberCount"`
}

// Role is what an API key may do: readers list, admins also change.
type Role string

// The two roles an Acme API key can have.
const (
	RoleAdmin  Role = "admin"
	RoleReader Role = "reader"
)

// Key is one API key of the tenant and the account it belongs to.
type Key struct {
	Email string
	Role  Role
}

// Seed is the initial state of a tenant.
type Seed struct {
	Tenant string
	Keys   map[string]Key
	Teams  []Team
	Users  []User
}

// Values of the default seed, for tests and the tutorial.
const (
	DefaultTenant    = "acme"
	DefaultAdminKey  = "acme-admin-key-7f3a9c"
	DefaultReaderKey = "acme-reader-key-2b8e41"
	// DefaultUsers is how many users the default seed holds: more than
	// two pages of the connector's page size, so paging is exercised.
	DefaultUsers = 120
)

// DefaultSeed is a tenant with three teams, DefaultUsers users (every
// tenth one inactive) and an admin and a reader key.
func DefaultSeed() Seed {
	s := Seed{
		Tenant: DefaultTenant,
		Keys: map[string]Key{
			DefaultAdminKey:  {Email: "it-admin@acme.example", Role: RoleAdmin},
			DefaultReaderKey: {Email: "auditor@acme.example", Role: RoleReader},
		},
		Teams: []Team{{ID: "t_eng", Name: "Engineering"}, {ID: "t_sales", Name: "Sales"}, {ID: "t_ops", Name: "Operations"}},
	}
	created := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	for i := 1; i <= DefaultUsers; i++ {
		s.Users = append(s.Users, User{
			ID:        fmt.Sprintf("u_%04d", i),
			Email:     fmt.Sprintf("user%04d@acme.example", i),
			Name:      fmt.Sprintf("User %04d", i),
			Team:      s.Teams[i%len(s.Teams)].ID,
			Active:    i%10 != 0,
			CreatedAt: created.Add(time.Duration(i) * time.Hour),
		})
	}
	return s
}
