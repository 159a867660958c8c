package cairn

import (
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
)

// DefaultTarget is the address of a local server started with default settings.
const DefaultTarget = "127.0.0.1:7420"

// ResolveTarget returns target, else $CAIRN_SERVER, else DefaultTarget.
func ResolveTarget(target string) string {
	if target != "" {
		return target
	}
	if env := os.Getenv("CAIRN_SERVER"); env != "" {
		return env
	}
	return DefaultTarget
}

// DataDir returns $CAIRN_DATA_DIR, else ${XDG_DATA_HOME:-~/.local/share}/cairn.
func DataDir() string {
	if dir := os.Getenv("CAIRN_DATA_DIR"); dir != "" {
		return dir
	}
	base := os.Getenv("XDG_DATA_HOME")
	if base == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			home = "."
		}
		base = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(base, "cairn")
}

// DiscoverToken returns $CAIRN_TOKEN, else the content of the token file in DataDir, else
// "" (the server will then answer UNAUTHENTICATED).
func DiscoverToken() string {
	if token := strings.TrimSpace(os.Getenv("CAIRN_TOKEN")); token != "" {
		return token
	}
	content, err := os.ReadFile(filepath.Join(DataDir(), "token"))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(content))
}

// IsLoopback reports whether target names this machine, where plaintext is acceptable.
func IsLoopback(target string) bool {
	for _, prefix := range []string{"dns:///", "passthrough:///", "ipv4:", "ipv6:"} {
		target = strings.TrimPrefix(target, prefix)
	}
	if strings.HasPrefix(target, "unix:") {
		return true
	}
	host := target
	if h, _, err := net.SplitHostPort(target); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if host == "localhost" {
		return true
	}
	addr, err := netip.ParseAddr(host)
	return err == nil && addr.IsLoopback()
}
