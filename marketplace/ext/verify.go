package ext

// Verify checks the signature against the host's trust policy and remembers
// the outcome; Unpack refuses to run before it succeeded.
func (a *Archive) Verify(policy TrustPolicy) (Verification, error) {
	v, err := policy.Verify(a.ManifestBytes, a.Manifest.Publisher, a.SignatureBytes)
	if err != nil {
		return Verification{}, err
	}
	a.verification = &v
	return v, nil
}

// CheckHost checks protocol, host version and platform in one call; see
// Manifest.CheckHost and Manifest.HostBinary.
func (a *Archive) CheckHost(hostVersion string, protocols []int, platform string) error {
	if err := a.Manifest.CheckHost(hostVersion, protocols); err != nil {
		return err
	}
	_, err := a.Manifest.HostBinary(platform)
	return err
}
