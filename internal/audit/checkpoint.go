package audit

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Checkpoint is the head of the audit chain at a moment, signed.
type Checkpoint struct {
	Seq       int64
	Hash      string
	At        time.Time
	PublicKey string // base64 of the PKIX DER of the signing key
	Signature string // base64 of the ASN.1 ECDSA signature
}

func (c *Checkpoint) message() []byte {
	m := sha256.Sum256([]byte("databank-audit-checkpoint\x00" + strconv.FormatInt(c.Seq, 10) + "\x00" + c.Hash + "\x00" +
		strconv.FormatInt(c.At.UnixMicro(), 10)))
	return m[:]
}

// Sign signs the checkpoint with key.
func (c *Checkpoint) Sign(key *ecdsa.PrivateKey) error {
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return err
	}
	sig, err := ecdsa.SignASN1(rand.Reader, key, c.message())
	if err != nil {
		return err
	}
	c.PublicKey, c.Signature = base64.StdEncoding.EncodeToString(pub), base64.StdEncoding.EncodeToString(sig)
	return nil
}

// Verify checks the checkpoint's signature with the trusted key; with a nil
// key, only with the key the checkpoint names (which proves nothing
// against someone who could also replace the key).
func (c *Checkpoint) Verify(trusted *ecdsa.PublicKey) error {
	pub := trusted
	if pub == nil {
		der, err := base64.StdEncoding.DecodeString(c.PublicKey)
		if err != nil {
			return err
		}
		k, err := x509.ParsePKIXPublicKey(der)
		if err != nil {
			return err
		}
		var ok bool
		if pub, ok = k.(*ecdsa.PublicKey); !ok {
			return errors.New("not an ECDSA key")
		}
	}
	sig, err := base64.StdEncoding.DecodeString(c.Signature)
	if err != nil || !ecdsa.VerifyASN1(pub, c.message(), sig) {
		return fmt.Errorf("the signature of checkpoint %d does not verify with the trusted key", c.Seq)
	}
	return nil
}

// LoadOrCreateKey reads the server's audit signing key (an ECDSA P-256
// key in PEM), creating it with mode 0600 when the file does not exist.
func LoadOrCreateKey(path string) (*ecdsa.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, err
		}
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		return key, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
	}
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, fmt.Errorf("%s holds no PEM key", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	key, ok := k.(*ecdsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s is not an ECDSA key", path)
	}
	return key, nil
}

// LoadPublicKey reads a trusted public key (PEM "PUBLIC KEY"), or takes
// the public half of a private key file.
func LoadPublicKey(path string) (*ecdsa.PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, fmt.Errorf("%s holds no PEM key", path)
	}
	if block.Type == "PRIVATE KEY" {
		k, err := LoadOrCreateKey(path)
		if err != nil {
			return nil, err
		}
		return &k.PublicKey, nil
	}
	k, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	pub, ok := k.(*ecdsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("%s is not an ECDSA key", path)
	}
	return pub, nil
}
