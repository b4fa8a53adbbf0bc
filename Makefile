# idbridge build. Every target needs only Go and, for `make test`, root on
# Debian to install the real directory servers the tests run against.
GO        ?= go
BIN       := bin
VERSION   ?= $(shell cat VERSION 2>/dev/null || echo 0.1.0-dev)
LDFLAGS   := -X github.com/idbridge/idbridge/host/version.Version=$(VERSION)
GOFLAGS_BUILD := -trimpath -ldflags "$(LDFLAGS)"
# The repository holds three modules (the host, the SDK, the protocol),
# joined by go.work. "./..." stops at a module's edge, so every target that
# should see all the code names each module.
PKGS      := ./... ./sdk/... ./proto/connector/...

.PHONY: all build client proto proto-check proto-examples proto-release test test-unit lint bench ext demo demo-build screenshots docs clean

all: build

build:
	$(GO) build $(GOFLAGS_BUILD) -o $(BIN)/idbridge ./host/cmd/idbridge
	$(GO) build $(GOFLAGS_BUILD) -o $(BIN)/idbridge-clockify ./plugins/clockify/cmd/idbridge-clockify
	$(GO) build $(GOFLAGS_BUILD) -o $(BIN)/clockify-sandbox ./plugins/clockify/cmd/clockify-sandbox

# Regenerate the typed REST client (host/apiclient/routes_gen.go) from the
# host's route table after adding or changing a route; the apiclient tests
# fail while it is stale.
client:
	$(GO) generate ./host/apiclient

# Regenerate the plugin protocol's Go code with the generators pinned in go.mod
# (then make proto-examples for the examples' stubs).
proto:
	$(GO) run ./proto/internal/protogen -root proto

# Regenerate the Python and TypeScript stubs of the example connectors in
# other languages after a protocol change (needs python3-grpc-tools, node
# and npm); the tests of plugins/examples fail while they are stale.
proto-examples:
	plugins/examples/python-acme/generate.sh
	cd plugins/examples/ts-acme && npm ci --no-audit --no-fund --loglevel=error && npm run --silent generate

# Fail on a change to the protocol that breaks released connectors or hosts
# (also run by the tests); proto-release records the current protocol as the
# released one when a proto/connector/vX.Y.Z tag is made.
proto-check:
	$(GO) run ./proto/internal/protogen -root proto -check

proto-release:
	$(GO) run ./proto/internal/protogen -root proto -release

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) tool staticcheck $(PKGS)
	.ci/decisions-index --check
	cd marketplace/internal/makedeb && GOWORK=off $(GO) vet ./...

# Regenerate the parts of the docs made from the code: the security page's
# role table (from the route table) and error codes.
docs:
	$(GO) test -count=1 ./host/api -run TestSecurityPageListsWhatEachRoleCanDo -args -update

# The whole suite: installs Chromium for the console's browser test and
# what the example connectors in other languages need (Debian packages,
# npm ci from the lockfile: both need the network, so before the servers'
# private network namespace), starts Samba AD and OpenLDAP on loopback
# (Debian, root), then runs every test against them. In CI (CI=true) a
# missing server fails the run instead of skipping. Last, the Debian
# package is built, installed, started by its unit and purged.
test: lint build
	.ci/install-browser
	.ci/install-axe
	.ci/install-examples
	.ci/with-directories $(GO) test -count=1 -timeout 40m $(PKGS)
	.ci/fuzz-short
	cd marketplace/internal/makedeb && GOWORK=off $(GO) test -count=1 ./...
	$(MAKE) package-check

# Tests that need no directory server.
test-unit:
	$(GO) test -count=1 $(PKGS)
	cd marketplace/internal/makedeb && GOWORK=off $(GO) test -count=1 ./...

# Benchmarks print figures; the directory ones run against the real servers.
bench: build
	.ci/install-examples
	.ci/with-directories bench/run.sh

ext: build
	.ci/make-ext

# The Debian package (dist/idbridge_VERSION_ARCH.deb), packed with nfpm as a
# library: the binary, a hardened systemd unit, the default settings file and
# the Clockify extension as a folder catalog.
package:
	.ci/package

# Installs the package on this machine (root, Debian), verifies the unit, runs
# the service by its ExecStart line as its user until /readyz answers,
# installs Clockify from the packaged catalog, then purges it all.
package-check:
	.ci/check-package "$$(.ci/package)"

# The admin guide's screenshots of the console, taken by its browser test
# (Chromium, axe-core) and written to docs/admin/img/.
screenshots:
	.ci/install-browser
	.ci/install-axe
	UPDATE_SCREENSHOTS=1 $(GO) test -count=1 -run TestConsoleInBrowser ./host/console/

# The demo needs only this machine's platform: one `go build` of the three
# binaries (sharing one compile of their common packages), then the
# extension packed for this platform alone from the same build cache, in
# its own folder so a release build in dist/ is never overwritten. The
# multi-platform signed .ext stays `make ext`. CGO is off for all of them,
# as the extension build has it off, so no package is compiled twice.
# See decision 0220. DEMO_FLAGS passes flags to `idbridge demo`, e.g.
# --short or --keep.
HOST_PLATFORM = $(shell $(GO) env GOOS)/$(shell $(GO) env GOARCH)
DEMO_DIST     := .data/demo-dist
DEMO_FLAGS    ?=

demo-build:
	CGO_ENABLED=0 $(GO) build $(GOFLAGS_BUILD) -o $(BIN)/ ./host/cmd/idbridge ./plugins/clockify/cmd/clockify-sandbox ./plugins/clockify/cmd/idbridge-clockify
	IDBRIDGE_EXTENSIONS=clockify CGO_ENABLED=0 .ci/make-ext -platforms $(HOST_PLATFORM) -out $(DEMO_DIST)

demo: demo-build
	$(BIN)/idbridge demo --dist $(DEMO_DIST) $(DEMO_FLAGS)

clean:
	rm -rf $(BIN) dist
