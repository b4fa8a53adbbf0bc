package sdk

// Builders for the checks a TestHook reports, so that a connection test
// reads as what it checks rather than as struct literals.

// Passed is a check that succeeded.
func Passed(id, name, message string) Check {
	return Check{ID: id, Name: name, Status: CheckOK, Message: message}
}

// Warned is a check that found something the admin should know, without
// failing the test: e.g. a key that may read but not write.
func Warned(id, name, message, remedy string) Check {
	return Check{ID: id, Name: name, Status: CheckWarning, Message: message, Remedy: remedy}
}

// Failed is a check that failed, with what to do about it.
func Failed(id, name, message, remedy string) Check {
	return Check{ID: id, Name: name, Status: CheckFailed, Message: message, Remedy: remedy}
}

// Skipped is a check that could not run, e.g. because an earlier one
// failed; message says why.
func Skipped(id, name, message string) Check {
	return Check{ID: id, Name: name, Status: CheckSkipped, Message: message}
}

// FailedCall is the failed check for a call that returned err: the app's
// own message, secrets masked, and the advice the connector gives for
// that error (Remedy, Errors, or the generic advice for its kind).
func (c *Client) FailedCall(id, name string, err error) Check {
	ae := appErrorOf(err)
	c.e.srv.remedy(ae)
	return Failed(id, name, c.AppMessage(err), ae.GetRemedy())
}

// Check returns Passed when err is nil and FailedCall otherwise: the
// usual shape of a check that is one call.
func (c *Client) Check(id, name string, err error, passed string) Check {
	if err != nil {
		return c.FailedCall(id, name, err)
	}
	return Passed(id, name, passed)
}
