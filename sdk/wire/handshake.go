package wire

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"

	"github.com/hashicorp/go-plugin"
)

// ProtocolVersion is the newest connector protocol this build speaks. It is
// the go-plugin application protocol version and matches the proto package
// suffix (idbridge.connector.v1).
const ProtocolVersion = 1

// SupportedProtocolVersions lists every protocol version this build can
// serve or drive, oldest first.
var SupportedProtocolVersions = []int{1}

// PluginName is the key under which the connector service is dispensed.
const PluginName = "connector"

// Handshake is shared by host and connectors. The magic cookie is not a
// secret: it only stops a connector binary from being run by hand as if it
// were a normal program, and tells the user what it is instead.
var Handshake = plugin.HandshakeConfig{
	ProtocolVersion:  ProtocolVersion,
	MagicCookieKey:   "IDBRIDGE_CONNECTOR_PLUGIN",
	MagicCookieValue: "5b9d1c0e-idbridge-connector",
}

// VersionMismatchError says that the host and a connector share no protocol
// version, and which side has to be upgraded.
type VersionMismatchError struct {
	// ConnectorVersion is the protocol version the connector offered.
	ConnectorVersion int
	// HostVersions are the versions the host accepts.
	HostVersions []int
}

// Error implements error, naming the side to upgrade.
func (e *VersionMismatchError) Error() string {
	newest := slices.Max(e.HostVersions)
	if e.ConnectorVersion > newest {
		return fmt.Sprintf("connector speaks protocol v%d but this idbridge host only knows %v: upgrade the idbridge host, or install a connector release built for protocol v%d",
			e.ConnectorVersion, versionList(e.HostVersions), newest)
	}
	return fmt.Sprintf("connector speaks protocol v%d, which this idbridge host no longer accepts (it knows %v): upgrade the connector to a release built for protocol v%d",
		e.ConnectorVersion, versionList(e.HostVersions), newest)
}

func versionList(vs []int) string {
	s := ""
	for i, v := range vs {
		if i > 0 {
			s += ", "
		}
		s += "v" + strconv.Itoa(v)
	}
	return s
}

// go-plugin reports a failed negotiation only as text; this pattern is the
// one place that knows its wording. It is case-insensitive because
// go-plugin has changed the capitalisation of that message between releases.
var incompatibleVersion = regexp.MustCompile(`(?i)incompatible API version with plugin\. Plugin version: (\d+)`)

// AsVersionMismatch turns go-plugin's negotiation error into a
// VersionMismatchError, or returns nil when err is something else.
func AsVersionMismatch(err error) *VersionMismatchError {
	if err == nil {
		return nil
	}
	m := incompatibleVersion.FindStringSubmatch(err.Error())
	if m == nil {
		return nil
	}
	v, _ := strconv.Atoi(m[1])
	return &VersionMismatchError{ConnectorVersion: v, HostVersions: slices.Clone(SupportedProtocolVersions)}
}
