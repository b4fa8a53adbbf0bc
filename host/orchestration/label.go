package orchestration

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/idbridge/idbridge/host/api"
	"github.com/idbridge/idbridge/host/macro"
)

// stepLabel names a step the way the admin sees it in the step list: by
// its number counted from 1 and its name, else its id, never by a list
// index such as steps[1]. See decision 0229.
func stepLabel(i int, s Step) string {
	switch {
	case strings.TrimSpace(s.Name) != "":
		return fmt.Sprintf("Step %d “%s”", i+1, s.Name)
	case s.ID != "":
		return fmt.Sprintf("Step %d (%s)", i+1, s.ID)
	}
	return "Step " + strconv.Itoa(i+1)
}

// problemList gathers a template's refusals twice: in words for the
// message, and under the JSON path of the step's field for the API's
// structured error, so a step editor can place each one (decision 0222).
type problemList struct {
	text   []string
	fields []api.FieldError
}

// step records a problem of step i. part is the field's JSON path inside
// the step ("condition", "inputs.email"), empty for the whole step; what
// names it in words ("condition", "input email"). A macro or condition
// error keeps its line and column under the label.
func (p *problemList) step(i int, s Step, part, what string, err error) {
	label := stepLabel(i, s)
	field := "steps[" + strconv.Itoa(i) + "]"
	if part != "" {
		field += "." + part
	}
	if what != "" {
		label += ", " + what
	}
	p.text = append(p.text, macro.In(label, err).Error())
	p.fields = append(p.fields, api.FieldError{Field: field, Message: err.Error()})
}

// template records a problem of the template as a whole.
func (p *problemList) template(field, msg string) {
	p.text = append(p.text, msg)
	if field != "" {
		p.fields = append(p.fields, api.FieldError{Field: field, Message: msg})
	}
}

func (p *problemList) err(templateID string) error {
	if len(p.text) == 0 {
		return nil
	}
	return &InvalidError{Template: templateID, Problems: p.text, Fields: p.fields}
}
