// Package usercache names the directory where the binary keeps what it
// installs or builds at first start (GraphiQL's npm packages, the
// dashboard's build), so later starts, and other binaries of the same
// version, reuse it.
package usercache

import (
	"os"
	"path/filepath"
)

// Root is <user cache dir>/aidregistry, or the temp dir's aidregistry where
// there is no user cache dir (no $HOME, as in a bare container).
func Root() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "aidregistry")
}
