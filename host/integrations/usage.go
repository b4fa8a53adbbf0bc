package integrations

import (
	"context"
	"errors"
	"fmt"

	"github.com/idbridge/idbridge/host/extensions"
)

// The service answers the extension manager's questions about which
// integrations an extension carries.
var _ extensions.UsageChecker = (*Service)(nil)

// IntegrationsUsing implements extensions.UsageChecker.
func (s *Service) IntegrationsUsing(ctx context.Context, extID string) ([]extensions.Usage, error) {
	all, err := s.all(ctx)
	if err != nil {
		return nil, err
	}
	out := []extensions.Usage{}
	for _, in := range all {
		if in.ExtensionID == extID {
			out = append(out, extensions.Usage{IntegrationID: in.ID, Name: in.Name, Enabled: in.Enabled})
		}
	}
	return out, nil
}

// PurgeIntegrations implements extensions.UsageChecker: it deletes every
// integration of extID. The manager refuses to uninstall while one is
// enabled; an enabled one found here anyway is disabled first, so nothing
// keeps running on a removed binary.
func (s *Service) PurgeIntegrations(ctx context.Context, extID string) error {
	using, err := s.IntegrationsUsing(ctx, extID)
	if err != nil {
		return err
	}
	var errs []error
	for _, u := range using {
		if u.Enabled {
			if _, err := s.Disable(ctx, u.IntegrationID); err != nil {
				errs = append(errs, err)
			}
		}
		if err := s.Delete(ctx, u.IntegrationID); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("purge integrations of %s: %w", extID, err)
	}
	return nil
}
