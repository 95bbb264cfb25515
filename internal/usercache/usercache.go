// Package usercache keeps what the binary installs or builds at its first
// start (GraphiQL's npm packages, the dashboard's build) in the user's cache
// directory, so later starts, and other binaries of the same version, reuse
// it; and runs the tools that make them.
package usercache

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
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

// Fill returns root/kind-version, first making it unless ready says it is
// whole. make fills a fresh work directory (root/kind-tmp-*) and returns
// the path in it that becomes root/kind-version, by one rename: a crash or
// a second process never leaves a half-made one, and a process losing the
// race takes the winner's. made says whether this call made it.
func Fill(ctx context.Context, root, kind, version string, ready func(dir string) bool,
	make func(ctx context.Context, work string) (string, error)) (dir string, made bool, err error) {
	final := filepath.Join(root, kind+"-"+version)
	if ready(final) {
		return final, false, nil
	}
	// Anything there now is broken (hand-edited, half-removed, an older layout).
	if err := os.RemoveAll(final); err != nil {
		return "", false, err
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", false, err
	}
	prefix := kind + "-tmp-"
	removeStaleWorkDirs(root, prefix)
	work, err := os.MkdirTemp(root, prefix)
	if err != nil {
		return "", false, err
	}
	defer os.RemoveAll(work)
	staged, err := make(ctx, work)
	if err != nil {
		return "", false, err
	}
	if err := os.Rename(staged, final); err != nil {
		if ready(final) {
			return final, false, nil
		}
		return "", false, err
	}
	return final, true, nil
}

// removeStaleWorkDirs removes work directories left by runs that were
// killed. Young ones may belong to a run going on in another process.
func removeStaleWorkDirs(root, prefix string) {
	old, _ := filepath.Glob(filepath.Join(root, prefix+"*"))
	for _, dir := range old {
		if fi, err := os.Stat(dir); err == nil && time.Since(fi.ModTime()) > time.Hour {
			_ = os.RemoveAll(dir)
		}
	}
}

// Run runs a tool (npm, vite) in dir. A failure carries the end of its
// output; a cancelled ctx gives ctx's error.
func Run(ctx context.Context, dir, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "npm_config_update_notifier=false", "NO_COLOR=1")
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	if err != nil {
		const keep = 2000
		if len(out) > keep {
			out = out[len(out)-keep:]
		}
		return fmt.Errorf("%w\n%s", err, out)
	}
	return nil
}
