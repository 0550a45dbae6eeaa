package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"github.com/scfwca/databank/internal/correspond"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/scfwca/databank/internal/access"
	"github.com/scfwca/databank/internal/audit"
	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
	"github.com/scfwca/databank/internal/oidclogin"
	"github.com/scfwca/databank/internal/problem"
	"github.com/scfwca/databank/internal/registry"
	"github.com/scfwca/databank/internal/web"
)

// Cookie names and session limits.
const (
	sessionCookie   = "databank_session"
	pendingCookie   = "databank_login"
	callbackPath    = "/auth/callback"
	IdleTimeout     = 30 * time.Minute
	AbsoluteTimeout = 12 * time.Hour
	touchEvery      = time.Minute
)

// session is a signed-in person on a request.
type session struct {
	tokenHash string
	fin       string
	org       string
	subject   access.Subject
	actor     audit.Actor
}

type sessionKey struct{}

func sessionOf(ctx context.Context) *session {
	s, _ := ctx.Value(sessionKey{}).(*session)
	return s
}

func hashToken(t string) string {
	sum := sha256.Sum256([]byte(t))
	return hex.EncodeToString(sum[:])
}

func newToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

var (
	msgLoginRequired = i18n.T("Daxil olun", "Please log in", "Войдите в систему")
	msgLoginOff      = i18n.T("Giriş sistemi qoşulmayıb", "Single sign-on is not configured", "Единый вход не настроен")
)

// login starts a single sign-on: the browser goes to the identity
// provider, with the login's state, nonce and PKCE verifier kept in a
// signed, short-lived cookie.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	l := s.auth.login.Load()
	if l == nil {
		problem.Write(w, problem.Problem{Status: http.StatusServiceUnavailable, Code: "login_unconfigured", Title: "Service Unavailable", Message: &msgLoginOff, Detail: msgLoginOff.EN})
		return
	}
	returnTo := r.URL.Query().Get("return")
	if !oidclogin.ValidReturnTo(returnTo) {
		returnTo = "/"
	}
	authURL, p, err := l.Start(returnTo)
	if err != nil {
		problem.Error(w, r, s.log, err)
		return
	}
	val, err := oidclogin.EncodePending(s.auth.key, p)
	if err != nil {
		problem.Error(w, r, s.log, err)
		return
	}
	http.SetCookie(w, oidclogin.PendingCookie(pendingCookie, val, callbackPath, s.auth.secure))
	http.Redirect(w, r, authURL, http.StatusFound)
}

// callback finishes a single sign-on: it verifies everything the provider
// sent, opens (at the first login, creates) the person's e-cabinet and
// starts a session. A refused login gets a page saying why and an audit
// entry, and creates nothing.
func (s *Server) callback(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: pendingCookie, Path: callbackPath, MaxAge: -1, HttpOnly: true, Secure: s.auth.secure, SameSite: http.SameSiteLaxMode})
	l := s.auth.login.Load()
	if l == nil {
		problem.Write(w, problem.Problem{Status: http.StatusServiceUnavailable, Code: "login_unconfigured", Title: "Service Unavailable", Message: &msgLoginOff})
		return
	}
	c, err := r.Cookie(pendingCookie)
	var id *oidclogin.Identity
	if err == nil {
		var p oidclogin.Pending
		if p, err = oidclogin.DecodePending(s.auth.key, c.Value, s.auth.now()); err == nil {
			id, err = l.Finish(r.Context(), p, r.URL.Query())
			if err == nil {
				returnTo := p.ReturnTo
				if err = s.startSession(w, r, id); err == nil {
					http.Redirect(w, r, returnTo, http.StatusFound)
					return
				}
			}
		}
	}
	code := string(oidclogin.CodeOf(err))
	if code == "" {
		code = "login_refused"
	}
	s.store.Audit(r.Context(), audit.Entry{Actor: audit.Actor{Kind: audit.Person, ID: "unknown"}, Action: "person.login", Outcome: "refused: " + code})
	s.log.Warn("login refused", "code", code)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusUnauthorized)
	refusedPage.Execute(w, code)
}

var refusedPage = template.Must(template.New("refused").Parse(`<!doctype html>
<html lang="az"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Giriş alınmadı</title>
<main>
<h1>Giriş alınmadı</h1>
<p>Şəxsiyyətiniz təsdiq edilmədi və heç nə yaradılmadı. Yenidən <a href="/login">daxil olun</a>; problem qalarsa, bu kodu dəstək xidmətinə bildirin: <code>{{.}}</code>.</p>
<p lang="en">The login could not be completed and nothing was created. <a href="/login">Log in</a> again; if it persists, quote this code: <code>{{.}}</code>.</p>
<p lang="ru">Вход не выполнен, ничего не создано. <a href="/login">Войдите</a> снова; если ошибка повторится, сообщите код: <code>{{.}}</code>.</p>
</main>`))

// startSession opens the e-cabinet and sets the session cookie. A person
// registered with exactly one organisation acts for it; anyone else
// starts as a natural person and may switch.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, id *oidclogin.Identity) error {
	cab, err := s.cabinets.Login(r.Context(), id.FIN, id.Name)
	if err != nil {
		return err
	}
	org := ""
	if len(cab.Roles) == 1 {
		org = cab.Roles[0].Org
	}
	token := newToken()
	if err := s.store.CreateSession(r.Context(), hashToken(token), id.FIN, org); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.auth.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(AbsoluteTimeout / time.Second)})
	return nil
}

// withSession requires a live session for the JSON API: 401 without one.
func (s *Server) withSession(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess, code, err := s.resolveSession(r)
		switch {
		case err != nil:
			problem.Error(w, r, s.log, err)
		case sess == nil:
			s.unauthorized(w, code)
		default:
			next(w, r.WithContext(context.WithValue(r.Context(), sessionKey{}, sess)))
		}
	}
}

// withPage requires a live session for a page: without one, the browser
// is sent to log in and brought back.
func (s *Server) withPage(next func(http.ResponseWriter, *http.Request, *web.Viewer)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess, _, err := s.resolveSession(r)
		switch {
		case err != nil:
			s.web.Fail(w, r, nil, err)
		case sess == nil:
			http.Redirect(w, r, "/login?return="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		default:
			next(w, r, s.viewer(r.Context(), sess))
		}
	}
}

// viewer is the session as the pages see it.
func (s *Server) viewer(ctx context.Context, sess *session) *web.Viewer {
	name := sess.fin
	if p, err := s.store.Person(ctx, sess.fin); err == nil {
		name = p.Name
	}
	v := &web.Viewer{FIN: sess.fin, Name: name, Org: sess.org, Subject: sess.subject, Actor: sess.actor}
	if sess.org != "" {
		v.Unread, _ = s.threads.Unread(ctx, correspond.Author{Subject: sess.subject, Actor: sess.actor, FIN: sess.fin, Name: name})
	}
	return v
}

// resolveSession finds the request's live session: it ends sessions past
// the idle or absolute timeout, and re-reads who the person is at every
// request, so that a suspension or revocation ends a live session at
// once. Without a session it returns nil and the reason's code.
func (s *Server) resolveSession(r *http.Request) (*session, string, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, "login_required", nil
	}
	hash := hashToken(c.Value)
	ss, err := s.store.Session(r.Context(), hash)
	if fault.Is(err, fault.NotFound) {
		return nil, "login_required", nil
	}
	if err != nil {
		return nil, "", err
	}
	now := s.auth.now()
	if ss.Ended || now.Sub(ss.LastSeen) > IdleTimeout || now.Sub(ss.CreatedAt) > AbsoluteTimeout {
		s.store.EndSession(r.Context(), hash)
		return nil, "session_expired", nil
	}
	sub, err := s.cabinets.Subject(r.Context(), ss.FIN, ss.Org)
	if err != nil {
		if fault.Is(err, fault.Forbidden) {
			s.store.EndSession(r.Context(), hash)
			s.store.Audit(r.Context(), audit.Entry{Actor: audit.Actor{Kind: audit.Person, ID: ss.FIN, Org: ss.Org}, Action: "session.end", Outcome: "access withdrawn"})
		}
		return nil, "", err
	}
	if now.Sub(ss.LastSeen) > touchEvery {
		s.store.TouchSession(r.Context(), hash)
	}
	return &session{tokenHash: hash, fin: ss.FIN, org: ss.Org, subject: sub,
		actor: audit.Actor{Kind: audit.Person, ID: ss.FIN, Org: ss.Org, Role: string(sub.Role)}}, "", nil
}

func (s *Server) unauthorized(w http.ResponseWriter, code string) {
	problem.Write(w, problem.Problem{Status: http.StatusUnauthorized, Code: code, Title: "Unauthorized", Message: &msgLoginRequired, Detail: "log in at /login"})
}

// logout ends the session.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.store.EndSession(r.Context(), hashToken(c.Value))
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.auth.secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// me answers with the person's e-cabinet and the capacity they act in.
func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r.Context())
	cab, err := s.cabinets.Cabinet(r.Context(), sess.fin)
	if err != nil {
		problem.Error(w, r, s.log, err)
		return
	}
	problem.JSON(w, http.StatusOK, map[string]any{"cabinet": cab, "acting_for": sess.org, "role": sess.subject.Role})
}

// myChildren lists a natural person's children.
func (s *Server) myChildren(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r.Context())
	kids, err := s.cabinets.Children(r.Context(), sess.fin)
	if err != nil {
		problem.Error(w, r, s.log, err)
		return
	}
	problem.JSON(w, http.StatusOK, map[string]any{"children": kids})
}

// child answers with a child's profile as far as the person may see it;
// ?purpose= states why (needed for health, justice and care data).
func (s *Server) child(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r.Context())
	v, err := s.registry.Profile(r.Context(), readerOf(sess, r.URL.Query().Get("purpose")), r.PathValue("key"), zeroDate)
	if err != nil {
		problem.Error(w, r, s.log, err)
		return
	}
	problem.JSON(w, http.StatusOK, v)
}

// authState is what login needs: the provider (set once it is reachable),
// the key that signs pending-login cookies, and whether cookies are Secure.
type authState struct {
	login  atomic.Pointer[oidclogin.Login]
	key    []byte
	secure bool
	now    func() time.Time
}

var zeroDate category.Date

func readerOf(sess *session, purpose string) registry.Reader {
	return registry.Reader{Actor: sess.actor, Subject: sess.subject, Purpose: purpose}
}

var msgTooMany = i18n.T("Sorğular çox tezdir; bir az gözləyin", "Too many requests; wait a little", "Слишком много запросов; подождите немного")

func tooMany(w http.ResponseWriter, wait time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
	problem.Write(w, problem.Problem{Status: http.StatusTooManyRequests, Code: "rate_limited", Title: "Too Many Requests", Message: &msgTooMany, Detail: msgTooMany.EN})
}

// limitLogins bounds the logins tried from one address.
func (s *Server) limitLogins(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		if wait, ok := s.logins.Allow(host); !ok {
			tooMany(w, wait)
			return
		}
		next(w, r)
	}
}

// limitReads bounds the children's profiles one person reads.
func (s *Server) limitReads(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if wait, ok := s.reads.Allow(sessionOf(r.Context()).fin); !ok {
			tooMany(w, wait)
			return
		}
		next(w, r)
	}
}
