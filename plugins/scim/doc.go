// Package scim is a connector for any app that speaks SCIM 2.0 (RFC 7643
// and RFC 7644): Slack, Zoom, GitHub Enterprise, Atlassian, Dropbox and
// many more provision users this way. It is a declaration only: the SDK's
// offset paging reads startIndex/count/totalResults, the SCIM error body is
// declared as data, and PATCH operations deactivate users and change group
// membership. Package scimtest is a SCIM server for its tests.
package scim
