package ext

import "runtime"

// HostPlatform is this process's platform in manifest form, "os/arch".
func HostPlatform() string { return runtime.GOOS + "/" + runtime.GOARCH }

// BinaryPath is where `idbridge ext pack` templates and `make ext` put a
// platform's binary inside an archive: bin/<os>-<arch>/<name>, with ".exe"
// on Windows.
func BinaryPath(platform, name string) string {
	goos, arch := platform, ""
	for i := range platform {
		if platform[i] == '/' {
			goos, arch = platform[:i], platform[i+1:]
			break
		}
	}
	if goos == "windows" {
		name += ".exe"
	}
	return "bin/" + goos + "-" + arch + "/" + name
}
