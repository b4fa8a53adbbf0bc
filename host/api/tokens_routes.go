package api

import (
	"net/http"
	"strings"
)

// CreateTokenRequest is the body of POST /v1/tokens.
type CreateTokenRequest struct {
	Name string `json:"name"`
	Role Role   `json:"role"`
}

// CreatedToken is the answer to POST /v1/tokens; Token is shown only once.
type CreatedToken struct {
	TokenRecord
	Token string `json:"token"`
}

// Routes implements RouteProvider: token management for admins.
func (t *Tokens) Routes() []Route {
	return []Route{
		{
			Method: http.MethodGet, Pattern: "/v1/tokens", MinRole: RoleAdmin,
			Summary: "List API tokens (without their secrets)", Response: []TokenRecord{},
			Handler: func(c *Call) (any, error) { return t.List(c.Context()) },
		},
		{
			Method: http.MethodPost, Pattern: "/v1/tokens", MinRole: RoleAdmin,
			Summary: "Create an API token; its secret is returned once", Request: CreateTokenRequest{}, Response: CreatedToken{},
			Status: http.StatusCreated,
			Handler: func(c *Call) (any, error) {
				var req CreateTokenRequest
				if err := c.Decode(&req); err != nil {
					return nil, err
				}
				var fields []FieldError
				if strings.TrimSpace(req.Name) == "" {
					fields = append(fields, FieldError{Field: "name", Message: "required: say who or what will use the token"})
				}
				if req.Role == RoleNone {
					fields = append(fields, FieldError{Field: "role", Message: "required: admin, operator or auditor"})
				}
				if len(fields) > 0 {
					e := BadRequest("%s is %s", fields[0].Field, fields[0].Message)
					e.Fields = fields
					return nil, e
				}
				secret, rec, err := t.Create(c.Context(), req.Name, req.Role)
				if err != nil {
					return nil, err
				}
				c.AuditChange(nil, rec)
				return Created(CreatedToken{TokenRecord: rec, Token: secret}), nil
			},
		},
		{
			Method: http.MethodDelete, Pattern: "/v1/tokens/{id}", MinRole: RoleAdmin,
			Summary: "Revoke an API token by its id", Errors: []int{http.StatusNotFound},
			Handler: func(c *Call) (any, error) {
				return nil, t.Revoke(c.Context(), c.PathValue("id"))
			},
		},
	}
}
