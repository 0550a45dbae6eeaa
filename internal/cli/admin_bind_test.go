package cli_test

import (
	"bytes"
	"context"
	"encoding/pem"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scfwca/databank/internal/devpki"
	"github.com/scfwca/databank/internal/store"
)

// TestAdminBindsCertificates: the operator's administrator binds a
// system's certificate to an organisation in the admin panel, uploaded as
// a file; something that is no certificate is refused beside the field,
// and a head of a ministry may not bind at all.
func TestAdminBindsCertificates(t *testing.T) {
	db := filepath.Join(t.TempDir(), "databank.db")
	base := serve(t, db, false, "--exchange-addr", "").base
	pki, err := devpki.New("Test")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := pki.Participant("health")
	if err != nil {
		t.Fatal(err)
	}
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Cert.Raw})
	post := func(b *browser, file []byte, text string) (int, string) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		if file != nil {
			fw, _ := mw.CreateFormFile("cert", "health.pem")
			fw.Write(file)
		}
		mw.WriteField("pem", text)
		mw.Close()
		req, _ := http.NewRequest("POST", base+"/admin/orgs/health/certs?lang=en", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		c := *b.c
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var page bytes.Buffer
		page.ReadFrom(resp.Body)
		return resp.StatusCode, page.String()
	}
	admin := loginAs(t, base, "1AK0001")
	if status, page := post(admin, nil, "hello"); status != http.StatusUnprocessableEntity ||
		!strings.Contains(page, `id="cert-error">This is not an X.509 certificate in PEM`) {
		t.Errorf("junk: %d", status)
	}
	if status, _ := post(loginAs(t, base, "3SH0001"), pemBytes, ""); status != http.StatusForbidden {
		t.Errorf("a ministry's head binding: %d; want 403", status)
	}
	if status, _ := post(admin, pemBytes, ""); status != http.StatusSeeOther {
		t.Fatalf("binding: %d", status)
	}
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p, err := st.ParticipantBySubject(context.Background(), cert.Cert.Subject.String())
	if err != nil || p.Code != "health" {
		t.Errorf("the certificate speaks for %v, %v; want health", p, err)
	}
}
