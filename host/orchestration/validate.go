package orchestration

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

var stepIDPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,63}$`)

// validate checks the structure of a template: ids, kinds, the fields each
// kind needs, branch targets and loops. Macros and conditions are checked
// by compile, which needs the integrations and the directory.
func validate(t *Template) *problemList {
	var problems problemList
	if !stepIDPattern.MatchString(t.ID) {
		problems.template("id", fmt.Sprintf("template id %q must start with a letter and hold only letters, digits, '_' or '-'", t.ID))
	}
	if len(t.Steps) == 0 {
		problems.template("steps", "a template needs at least one step")
	}
	seen := map[string]bool{}
	for i, s := range t.Steps {
		switch {
		case !stepIDPattern.MatchString(s.ID):
			problems.step(i, s, "id", "id", fmt.Errorf("%q must start with a letter and hold only letters, digits, '_' or '-' (it is used in %%steps.<id>.<output>%%)", s.ID))
		case s.ID == End:
			problems.step(i, s, "id", "id", errors.New("\"end\" is reserved for branches; give the step another id"))
		case seen[s.ID]:
			problems.step(i, s, "id", "id", fmt.Errorf("%q is used twice; step ids must be unique", s.ID))
		}
		seen[s.ID] = true
		stepFields(&problems, i, s)
	}
	for i, s := range t.Steps {
		for _, b := range []struct{ field, words, to string }{{"onSuccess", "next step on success", s.OnSuccess}, {"onFailure", "next step on failure", s.OnFailure}} {
			if b.to != "" && b.to != End && !seen[b.to] {
				problems.step(i, s, b.field, b.words, fmt.Errorf("%q is not a step of this template (use a step id or \"end\")", b.to))
			}
		}
	}
	if len(problems.text) == 0 {
		if cycle := findCycle(t); cycle != nil {
			problems.template("steps", fmt.Sprintf("%s: %s; change a branch so the run always moves on to a later step or \"end\"", ErrLoop.Error(), strings.Join(cycle, " → ")))
		}
	}
	return &problems
}

func stepFields(p *problemList, i int, s Step) {
	need := func(ok bool, msg string) {
		if !ok {
			p.step(i, s, "", "", errors.New(msg))
		}
	}
	switch s.Kind {
	case KindWebhook:
		need(s.Integration != "", "a webhook step needs an integration")
		need(s.Webhook != "", "a webhook step needs a webhook id")
		if s.Verify != nil {
			need(s.Verify.Webhook != "", "verify needs the id of a lookup webhook")
		}
		need(s.InDoubt == "" || s.InDoubt == InDoubtAdmin, fmt.Sprintf("inDoubt %q must be empty or %q", s.InDoubt, InDoubtAdmin))
	case KindAD:
		if s.AD == nil {
			need(false, "an AD step needs an action")
			break
		}
		switch s.AD.Action {
		case ADModify:
			need(len(s.AD.Attributes) > 0, "modify needs at least one attribute")
		case ADMove:
			need(s.AD.Target != "", "move needs the DN of the target OU")
		case ADAddToGroup, ADRemoveFromGroup:
			need(s.AD.Target != "", s.AD.Action+" needs the DN of the group")
		case ADDisable, ADEnable:
		default:
			need(false, fmt.Sprintf("AD action %q must be modify, disable, enable, move, add-to-group or remove-from-group", s.AD.Action))
		}
	case KindCondition:
		need(strings.TrimSpace(s.Condition) != "", "a condition step needs a CEL condition")
	case KindDelay:
		need(s.Delay > 0, "a delay step needs a positive delay such as \"15m\"")
	default:
		need(false, fmt.Sprintf("kind %q must be webhook, ad, condition or delay", s.Kind))
	}
}

// edges returns the steps a step can go to next, success first.
func edges(t *Template, idx map[string]int, i int) []int {
	var out []int
	for _, to := range []string{t.successOf(i), t.failureOf(i)} {
		if j, ok := idx[to]; ok && to != End && !slices.Contains(out, j) {
			out = append(out, j)
		}
	}
	return out
}

// findCycle returns the step ids of a loop (first id repeated at the end), or
// nil. Success, failure and the implicit next-in-order edges all count.
func findCycle(t *Template) []string {
	idx := t.stepIndex()
	const (
		white = iota
		grey
		black
	)
	color := make([]int, len(t.Steps))
	var path []int
	var found []string
	var visit func(i int) bool
	visit = func(i int) bool {
		color[i] = grey
		path = append(path, i)
		for _, j := range edges(t, idx, i) {
			switch color[j] {
			case grey:
				start := slices.Index(path, j)
				for _, k := range path[start:] {
					found = append(found, t.Steps[k].ID)
				}
				found = append(found, t.Steps[j].ID)
				return true
			case white:
				if visit(j) {
					return true
				}
			}
		}
		path = path[:len(path)-1]
		color[i] = black
		return false
	}
	for i := range t.Steps {
		if color[i] == white && visit(i) {
			return found
		}
	}
	return nil
}

// ancestors returns, for each step, the steps that can run before it on
// some path from the first step: the outputs a step may read.
func ancestors(t *Template) map[string][]string {
	idx := t.stepIndex()
	preds := make([][]int, len(t.Steps))
	for i := range t.Steps {
		for _, j := range edges(t, idx, i) {
			preds[j] = append(preds[j], i)
		}
	}
	out := make(map[string][]string, len(t.Steps))
	for i, s := range t.Steps {
		seen := map[int]bool{}
		stack := slices.Clone(preds[i])
		for len(stack) > 0 {
			k := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if seen[k] {
				continue
			}
			seen[k] = true
			stack = append(stack, preds[k]...)
		}
		var ids []string
		for k := range t.Steps {
			if seen[k] && k != i {
				ids = append(ids, t.Steps[k].ID)
			}
		}
		out[s.ID] = ids
	}
	return out
}
