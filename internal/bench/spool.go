package bench

import (
	"bufio"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/devpki"
	"github.com/scfwca/databank/internal/participant"
	"github.com/scfwca/databank/internal/population"
	"github.com/scfwca/databank/internal/registry"
	"github.com/scfwca/databank/internal/signature"
)

// signedBatch is a batch ready to send: its body, signature and sender.
type signedBatch struct {
	participant string
	body        []byte
	sig         string
}

// records decodes the batch's records, for the raw inserts.
func (b signedBatch) records() ([]registry.Record, error) {
	var v struct {
		Records []registry.Record `json:"records"`
	}
	err := json.Unmarshal(b.body, &v)
	return v.Records, err
}

// spool is the population as signed batches in a file, written before
// anything is timed and read back as it is sent: a million children make
// some nine million records, more than memory should hold at once.
type spool struct {
	path    string
	batches int
	records int
}

// prepare generates the population and writes it to a spool in dir as
// signed batches of opt.Batch records, one participant per batch.
func prepare(opt IngestOptions, certs map[string]*devpki.Cert, dir string) (*spool, error) {
	f, err := os.CreateTemp(dir, "batches-*.spool")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	sp := &spool{path: f.Name()}
	pending := map[string][]json.RawMessage{}
	seal := func(code string, raws []json.RawMessage) error {
		body, err := json.Marshal(map[string]any{"batch_id": fmt.Sprintf("bench-%d", sp.batches), "records": raws})
		if err != nil {
			return err
		}
		c := certs[code]
		sig, err := signature.Sign(body, c.Cert, c.Key, c.Intermediates)
		if err != nil {
			return err
		}
		for _, field := range [][]byte{[]byte(code), []byte(base64.StdEncoding.EncodeToString(sig)), body} {
			w.Write(binary.AppendUvarint(nil, uint64(len(field))))
			w.Write(field)
		}
		sp.batches++
		sp.records += len(raws)
		return nil
	}
	popt := population.Options{Children: opt.Children, Seed: opt.Seed, Today: category.Today(time.Now())}
	err = population.Generate(popt, func(items []registry.Item) error {
		for _, it := range items {
			code := it.From.Participant
			pending[code] = append(pending[code], it.Raw)
			if len(pending[code]) >= opt.Batch {
				if err := seal(code, pending[code]); err != nil {
					return err
				}
				delete(pending, code)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, p := range participant.Defaults() {
		if raws := pending[p.Code]; raws != nil {
			if err := seal(p.Code, raws); err != nil {
				return nil, err
			}
		}
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	return sp, f.Sync()
}

// each reads the spool's batches in order and calls fn with each.
func (sp *spool) each(fn func(signedBatch) error) error {
	f, err := os.Open(sp.path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	field := func() ([]byte, error) {
		n, err := binary.ReadUvarint(r)
		if err != nil {
			return nil, err
		}
		b := make([]byte, n)
		_, err = io.ReadFull(r, b)
		return b, err
	}
	for {
		code, err := field()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("spool %s: %w", filepath.Base(sp.path), err)
		}
		sig, err := field()
		if err != nil {
			return err
		}
		body, err := field()
		if err != nil {
			return err
		}
		if err := fn(signedBatch{participant: string(code), sig: string(sig), body: body}); err != nil {
			return err
		}
	}
}

// remove deletes the spool's file.
func (sp *spool) remove() { os.Remove(sp.path) }
