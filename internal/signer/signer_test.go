package signer

import (
	"context"
	"testing"
	"time"

	"github.com/scfwca/databank/internal/signature"
)

func TestDevSigner(t *testing.T) {
	now := time.Now()
	d, err := NewDev(func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	content := []byte(`{"batch_id":"web-1","records":[]}`)
	req, err := d.Start(ctx, "4TH0001", "Tural Abbasov", content)
	if err != nil || len(req.Code) != 4 {
		t.Fatalf("Start = %+v, %v", req, err)
	}
	if r, _ := d.Result(ctx, req.ID); r.State != Pending || r.Signature != nil {
		t.Fatalf("before confirmation: %+v", r)
	}
	if err := d.Confirm(req.ID, false); err != nil {
		t.Fatal(err)
	}
	r, _ := d.Result(ctx, req.ID)
	if r.State != Signed {
		t.Fatalf("after confirmation: %s", r.State)
	}
	v, err := signature.NewVerifier(d.Anchors(), nil, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	signed, err := v.Verify(content, r.Signature)
	if err != nil || signed.Signer.Subject.SerialNumber != "4TH0001" || signed.Signer.Subject.CommonName != "Tural Abbasov" {
		t.Fatalf("verification: %+v, %v", signed, err)
	}
	if _, err := v.Verify([]byte("something else"), r.Signature); signature.CodeOf(err) != signature.CodeInvalid {
		t.Errorf("a signature over other content: %v", err)
	}
	// Refused and expired requests never sign.
	refused, _ := d.Start(ctx, "4TH0001", "Tural Abbasov", content)
	d.Confirm(refused.ID, true)
	if r, _ := d.Result(ctx, refused.ID); r.State != Refused || r.Signature != nil {
		t.Errorf("refused: %+v", r)
	}
	late, _ := d.Start(ctx, "4TH0001", "Tural Abbasov", content)
	now = now.Add(RequestTTL + time.Second)
	d.Confirm(late.ID, false)
	if r, _ := d.Result(ctx, late.ID); r.State != Expired || r.Signature != nil {
		t.Errorf("expired: %+v", r)
	}
	if _, err := d.Result(ctx, "nope"); err != ErrUnknown {
		t.Errorf("unknown request: %v", err)
	}
}
