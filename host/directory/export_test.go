package directory

// SetRangeStep makes c ask for ranged attributes step values at a time, so
// that tests walk several ranges on a small group.
func SetRangeStep(c *Client, step int) { c.rangeStep = step }
