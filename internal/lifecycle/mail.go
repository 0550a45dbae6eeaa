package lifecycle

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"mime"
	"net/smtp"
	"time"

	"github.com/scfwca/databank/internal/store"
)

// Mailer sends the e-mails in the outbox through an SMTP server: each
// once, retried with a growing pause when the server refuses or is away.
// The server's STARTTLS is used when it offers it.
type Mailer struct {
	store      *store.Store
	addr, from string
	auth       smtp.Auth
	log        *slog.Logger
	now        func() time.Time
}

// NewMailer returns a mailer for an SMTP server at addr; with a user, it
// authenticates (PLAIN, which the standard library allows only over TLS
// or to localhost).
func NewMailer(st *store.Store, addr, from, user, password string, log *slog.Logger, now func() time.Time) *Mailer {
	m := &Mailer{store: st, addr: addr, from: from, log: log, now: now}
	if m.now == nil {
		m.now = time.Now
	}
	if user != "" {
		host := addr
		if i := bytes.LastIndexByte([]byte(addr), ':'); i >= 0 {
			host = addr[:i]
		}
		m.auth = smtp.PlainAuth("", user, password, host)
	}
	return m
}

// Once sends what is due, and returns how many went.
func (m *Mailer) Once(ctx context.Context) (int, error) {
	due, err := m.store.DueMail(ctx, 50)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, q := range due {
		if err := smtp.SendMail(m.addr, m.auth, m.from, []string{q.Mail.To}, m.message(q.Mail)); err != nil {
			pause := min(time.Duration(1<<min(q.Attempts, 10))*time.Minute, 24*time.Hour)
			m.log.Warn("mail: not sent", "id", q.ID, "attempts", q.Attempts+1, "retry_in", pause, "err", err)
			if err := m.store.MailFailed(ctx, q.ID, m.now().Add(pause), err.Error()); err != nil {
				return sent, err
			}
			continue
		}
		if err := m.store.MailSent(ctx, q.ID); err != nil {
			return sent, err
		}
		sent++
	}
	return sent, nil
}

func (m *Mailer) message(ml store.Mail) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
		m.from, ml.To, mime.QEncoding.Encode("utf-8", ml.Subject), m.now().Format(time.RFC1123Z))
	for _, line := range bytes.Split([]byte(ml.Body), []byte("\n")) {
		b.Write(line)
		b.WriteString("\r\n")
	}
	return b.Bytes()
}
