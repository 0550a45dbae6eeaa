package cli_test

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/scfwca/databank/internal/cli"
)

// served is `databank serve` running in-process for a test, on database
// db, stopped when the test ends.
type served struct {
	base string // http://ADDR of the main server
	logs *logBuffer
}

// serve starts `databank serve --addr 127.0.0.1:0` with extra flags and
// waits until it listens; with demo, until the demo population is loaded.
func serve(t *testing.T, db string, demo bool, extra ...string) *served {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan int, 1)
	s := &served{logs: &logBuffer{}}
	app := &cli.App{Stdout: io.Discard, Stderr: s.logs, Ready: func(a string) { addr <- a },
		Env: func(k string) (string, bool) { return map[string]string{"DATABANK_DB": db}[k], k == "DATABANK_DB" }}
	go func() { done <- app.Run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, extra...)) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	select {
	case a := <-addr:
		s.base = "http://" + a
	case code := <-done:
		t.Fatalf("serve exited %d: %s", code, s.logs.String())
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}
	for deadline := time.Now().Add(90 * time.Second); demo && !strings.Contains(s.logs.String(), "demo: loaded"); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the demo did not load: %s", s.logs.String())
		}
	}
	return s
}

// chrome starts headless Chromium for a test and returns its context,
// with a budget that survives a busy CI machine.
func chrome(t *testing.T) context.Context {
	t.Helper()
	bin := chromium(t)
	profileDir, err := os.MkdirTemp("", "databank-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	// Chromium runs in a process group of its own: its helpers outlive the
	// browser killed at the end of the test (the network service wrote its
	// state into the profile after it was removed), so the whole group is
	// ended, and awaited, before the profile goes.
	var browser atomic.Pointer[exec.Cmd]
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.UserDataDir(profileDir),
		chromedp.ModifyCmdFunc(func(cmd *exec.Cmd) {
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
			browser.Store(cmd)
		}))
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, bcancel := chromedp.NewContext(actx)
	bctx, tcancel := context.WithTimeout(bctx, 3*time.Minute)
	t.Cleanup(func() {
		tcancel()
		bcancel()
		acancel()
		if cmd := browser.Load(); cmd != nil && cmd.Process != nil {
			group := -cmd.Process.Pid
			syscall.Kill(group, syscall.SIGKILL)
			for deadline := time.Now().Add(5 * time.Second); syscall.Kill(group, 0) == nil && time.Now().Before(deadline); {
				time.Sleep(10 * time.Millisecond)
			}
		}
		if err := os.RemoveAll(profileDir); err != nil {
			t.Errorf("removing Chromium's profile: %v", err)
		}
	})
	return bctx
}

// screenshot saves the page as .ci/artifacts/NAME.png.
func screenshot(t *testing.T, name string) chromedp.ActionFunc {
	dir := artifacts(t)
	return func(ctx context.Context) error {
		var buf []byte
		if err := chromedp.FullScreenshot(&buf, 100).Do(ctx); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644)
	}
}
