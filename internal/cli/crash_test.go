package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/store/storetest"
)

// TestCrashSafety kills the server with SIGKILL twenty times while a
// participant sends batches through the exchange, on SQLite and on
// PostgreSQL; after each kill the server starts again. Every record the
// server acknowledged is then present, and the audit chain verifies.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a server twenty times")
	}
	bin := filepath.Join(t.TempDir(), "databank")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/scfwca/databank/cmd/databank").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v %s", err, out)
	}
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			db := storetest.DSN(t, e)
			dir := t.TempDir()
			rng := rand.New(rand.NewPCG(1, uint64(len(e))))
			acked := map[string]bool{}
			next := 0
			for kill := 0; kill <= 20; kill++ {
				exAddr := freeAddr(t)
				cmd := exec.Command(bin, "serve", "--db", db, "--addr", freeAddr(t), "--exchange-addr", exAddr, "--exchange-insecure",
					"--audit-key", filepath.Join(dir, "audit-key.pem"))
				cmd.Env = append(os.Environ(), "DATABANK_LOG_LEVEL=warn")
				var logs bytes.Buffer
				cmd.Stdout, cmd.Stderr = &logs, &logs
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				waitReady(t, exAddr, &logs)
				if kill == 20 {
					syscall.Kill(cmd.Process.Pid, syscall.SIGTERM)
					cmd.Wait()
					break
				}
				// Send batches until the server is killed at a random moment.
				deadline := time.Now().Add(time.Duration(50+rng.IntN(400)) * time.Millisecond)
				killed := make(chan struct{})
				go func() {
					time.Sleep(time.Until(deadline))
					cmd.Process.Signal(syscall.SIGKILL)
					cmd.Wait()
					close(killed)
				}()
				for sending := true; sending; {
					select {
					case <-killed:
						sending = false
						continue
					default:
					}
					ids, body := crashBatch(next, 25)
					next++
					if sendBatch(exAddr, body) {
						for _, id := range ids {
							acked[id] = true
						}
					}
				}
			}
			st, err := store.Open(db, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			missing := missingRecords(t, st, acked)
			if len(acked) == 0 || missing > 0 {
				t.Errorf("%d acknowledged records, %d of them missing", len(acked), missing)
			}
			if n, err := st.VerifyAudit(context.Background()); err != nil {
				t.Errorf("audit verify after %d entries: %v", n, err)
			}
			t.Logf("%d records acknowledged across 20 kills, all present", len(acked))
		})
	}
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitReady(t *testing.T, exAddr string, logs *bytes.Buffer) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if resp, err := http.Get("http://" + exAddr + "/exchange/v1/categories"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server did not start: %s", logs.String())
		}
	}
}

// crashBatch is batch n: birth registrations of n*size… children.
func crashBatch(n, size int) ([]string, []byte) {
	var recs []any
	var ids []string
	for i := range size {
		k := n*size + i
		fin := fmt.Sprintf("8%06d", k)
		data := fmt.Sprintf(`{"certificate":{"series":"CR","number":"%06d"},"act":{"body":"Səbail","number":"%d","date":"2016-03-14"},"fin":%q,"name":{"given":"Əli","family":"Məmmədov"},"sex":"male","birth_date":"2016-03-02","birth_place":{"country":"AZE","district":"sabail"},"citizenship":"AZE"}`, k, k, fin)
		id := fmt.Sprintf("akt-%d", k)
		ids = append(ids, id)
		recs = append(recs, map[string]any{"source_id": id, "category": "birth_registration", "child": map[string]string{"fin": fin},
			"effective_date": "2016-03-14", "action": "upsert", "data": json.RawMessage(data)})
	}
	body, _ := json.Marshal(map[string]any{"batch_id": fmt.Sprintf("crash-%d", n), "records": recs})
	return ids, body
}

// sendBatch reports whether the server acknowledged every record.
func sendBatch(exAddr string, body []byte) bool {
	req, _ := http.NewRequest("POST", "http://"+exAddr+"/exchange/v1/batches", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Participant", "justice")
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	var out struct{ Counts map[string]int }
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&out) != nil {
		return false
	}
	return out.Counts["rejected"] == 0 && out.Counts["accepted"]+out.Counts["unchanged"] > 0 && !strings.Contains(fmt.Sprint(out.Counts), "error")
}

// missingRecords counts the acknowledged records of justice that st does
// not hold.
func missingRecords(t *testing.T, st *store.Store, acked map[string]bool) int {
	t.Helper()
	stored := map[string]bool{}
	rows, err := st.DB().Query(`SELECT source_id FROM facts WHERE sender = 'justice'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		stored[id] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	missing := 0
	for id := range acked {
		if !stored[id] {
			missing++
		}
	}
	return missing
}
