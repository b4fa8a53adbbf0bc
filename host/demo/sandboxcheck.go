package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// sandboxUser is what the demo reads of a Clockify member to check an
// outcome: the workspace membership's status and the user groups joined.
type sandboxUser struct {
	ID          string `json:"id"`
	Email       string `json:"email"`
	Memberships []struct {
		TargetID         string `json:"targetId"`
		MembershipType   string `json:"membershipType"`
		MembershipStatus string `json:"membershipStatus"`
	} `json:"memberships"`
}

// sandbox reads the Clockify sandbox's state through its REST API, the way
// an admin would check the real Clockify, independent of the host.
type sandboxClient struct {
	base, workspace, key string
}

// member returns the membership status of email in the workspace, or ""
// when the person is not a member at all.
func (s sandboxClient) member(ctx context.Context, email string) (string, error) {
	u := fmt.Sprintf("%s/v1/workspaces/%s/users?email=%s&memberships=WORKSPACE", s.base, s.workspace, url.QueryEscape(email))
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	req.Header.Set("X-Api-Key", s.key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("sandbox answered %d to a user lookup", resp.StatusCode)
	}
	var users []sandboxUser
	if err := json.NewDecoder(resp.Body).Decode(&users); err != nil {
		return "", err
	}
	for _, user := range users {
		if !strings.EqualFold(user.Email, email) {
			continue
		}
		for _, m := range user.Memberships {
			if m.MembershipType == "WORKSPACE" {
				return m.MembershipStatus, nil
			}
		}
		return "ACTIVE", nil
	}
	return "", nil
}
