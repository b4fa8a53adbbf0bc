package sandbox_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/idbridge/idbridge/plugins/clockify/sandbox"
)

// A test starts the sandbox, calls it as a connector would, and checks
// both the answer and that nothing strayed from Clockify's spec.
func ExampleStart() {
	srv, err := sandbox.Start(context.Background(), sandbox.Options{ValidateSpec: true})
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	req, _ := http.NewRequest("GET", srv.BaseURL()+"/v1/workspaces/"+sandbox.DefaultWorkspaceID+"/user-groups?page-size=2", nil)
	req.Header.Set("X-Api-Key", sandbox.DefaultAdminKey)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer res.Body.Close()
	var groups []struct {
		Name    string   `json:"name"`
		UserIDs []string `json:"userIds"`
	}
	if err := json.NewDecoder(res.Body).Decode(&groups); err != nil {
		panic(err)
	}
	for _, g := range groups {
		fmt.Println(g.Name, len(g.UserIDs))
	}
	fmt.Println("Last-Page:", res.Header.Get("Last-Page"))
	fmt.Println("violations:", len(srv.SpecViolations()))
	// Output:
	// Engineering 3
	// Sales 2
	// Last-Page: false
	// violations: 0
}
