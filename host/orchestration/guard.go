package orchestration

import (
	"context"
	"fmt"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/ast"

	"github.com/idbridge/idbridge/host/macro"
	"github.com/idbridge/idbridge/host/outbound"
)

// The deactivation guard counts the objects of a run that can reach a
// deactivating step. It walks the template for each object as the executor
// would, but before anything runs, so it only ever rules a path out when
// the object alone decides it: a condition that reads what steps produce,
// or that fails to evaluate, keeps both of its branches, and every call may
// succeed or fail. The count can therefore be too high, never too low.

// countDeactivations returns how many of objects can reach a deactivating
// step of c on some path.
func countDeactivations(ctx context.Context, c *compiled, objects []outbound.Object) int {
	if len(objects) == 0 || !c.canDeactivate(ctx, nil) {
		return 0
	}
	if !c.objectDecides() {
		// Every object walks the same paths; one walk answers for all.
		return len(objects)
	}
	n := 0
	for i := range objects {
		if c.canDeactivate(ctx, &objects[i]) {
			n++
		}
	}
	return n
}

// canDeactivate reports whether a walk from the first step can reach a
// deactivating step. With a nil object no condition is evaluated: the
// answer holds for every object.
func (c *compiled) canDeactivate(ctx context.Context, o *outbound.Object) bool {
	var data macro.Data
	if o != nil {
		// The executor's values for a first step: nothing has run yet, so
		// the steps namespace is empty.
		data = payload{Object: *o}.data()
	}
	// Templates are refused with loops, but a stored one is not trusted to
	// be acyclic: each step is expanded once per object.
	seen := make([]bool, len(c.steps))
	stack := []int{0}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[i] {
			continue
		}
		seen[i] = true
		if c.steps[i].deactivating() {
			return true
		}
		for _, id := range c.possibleNext(ctx, i, o, data) {
			if j, ok := c.idx[id]; ok && !seen[j] {
				stack = append(stack, j)
			}
		}
	}
	return false
}

// possibleNext returns the steps that can follow step i for the object:
// both branches of a call (it may succeed or fail), the next step of a
// delay, and the branch a condition takes when the object alone decides it.
// Ids may be End or "" (the object's run fails), which end the path.
func (c *compiled) possibleNext(ctx context.Context, i int, o *outbound.Object, data macro.Data) []string {
	cs := c.steps[i]
	success, failure := c.t.successOf(i), c.t.failureOf(i)
	switch cs.Kind {
	case KindDelay:
		return []string{success}
	case KindCondition:
		if o == nil || cs.cond == nil || cs.readsRunData {
			break
		}
		ok, err := cs.cond.Eval(ctx, data, o.Name())
		switch {
		case err != nil:
			// The executor would take the failure branch, but an error
			// here may come from the guard's partial view; keep both.
		case ok:
			return []string{success}
		default:
			return []string{failure}
		}
	}
	return []string{success, failure}
}

// objectDecides reports whether some condition of c can be decided from
// the object alone, so that objects may differ in what they reach.
func (c *compiled) objectDecides() bool {
	for _, cs := range c.steps {
		if cs.Kind == KindCondition && cs.cond != nil && !cs.readsRunData {
			return true
		}
	}
	return false
}

// readsRunData reports whether a condition reads values that exist only
// once steps have run: the steps namespace, or the object namespace when an
// AD move may already have changed the object's DN (movedBefore). An
// expression that does not parse counts as reading them.
func readsRunData(expr string, movedBefore bool) bool {
	env, err := cel.NewEnv()
	if err != nil {
		return true
	}
	parsed, iss := env.Parse(expr)
	if iss != nil && iss.Err() != nil {
		return true
	}
	found := ast.MatchDescendants(ast.NavigateAST(parsed.NativeRep()), func(e ast.NavigableExpr) bool {
		if e.Kind() != ast.IdentKind {
			return false
		}
		switch e.AsIdent() {
		case macro.NamespaceSteps, macro.NamespaceIntegration:
			// Settings are read when the step runs (decision 0218).
			return true
		case macro.NamespaceObject:
			return movedBefore
		}
		return false
	})
	return len(found) > 0
}

// approvalMessage is the run's error while the guard holds it.
func approvalMessage(deactivations, limit int) string {
	return fmt.Sprintf("needs approval: this run would deactivate %d accounts, more than the limit of %d (objects that a condition keeps away from every deactivating step are not counted); approve it to go ahead or cancel it", deactivations, limit)
}
