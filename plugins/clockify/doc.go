// Package clockify is the idbridge connector for Clockify, declared with
// package sdk: settings, the List Users, List Groups and List Workers
// inbound endpoints, the user and group webhooks, a connection test that
// checks permissions, and Clockify's error format.
//
// Offboarding is deactivation: Clockify's DELETE of a workspace user is
// deprecated and does not work, so the connector offers no delete webhook.
package clockify
