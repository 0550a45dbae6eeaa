package idp

import (
	"bytes"
	"html/template"
	"net/http"
)

// pageHeaders are set on every HTML page: nothing cached, no framing (a
// framed persona page could be clicked through), no referrer leaking the
// request's parameters.
func pageHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
}

// choiceButton is one persona on the page.
type choiceButton struct {
	Subject, Name, FIN, Org string
	Role                    [3]string
}

type pageData struct {
	Action    string // where the form posts
	Request   string // the pending request's id: the form's CSRF token
	HintMiss  bool   // a login_hint was given but names no persona
	Personas  []choiceButton
	Error     string // set on the refusal page
	ErrorPage bool
}

func (p *Provider) renderChoice(w http.ResponseWriter, id string, hintMiss bool) {
	d := pageData{Action: p.prefix + "/authorize/choose", Request: id, HintMiss: hintMiss}
	for _, ps := range p.personas {
		label, ok := roleLabels[ps.Role]
		if !ok {
			label = [3]string{ps.Role, ps.Role, ps.Role}
		}
		d.Personas = append(d.Personas, choiceButton{Subject: ps.sub, Name: ps.Name, FIN: ps.FIN, Org: ps.Org, Role: label})
	}
	render(w, http.StatusOK, d)
}

// refuse answers a request the provider will not follow with a 400 page.
// It never redirects: the request may name a redirect URI it cannot trust.
func (p *Provider) refuse(w http.ResponseWriter, reason string) {
	render(w, http.StatusBadRequest, pageData{ErrorPage: true, Error: reason})
}

// busy answers when the in-memory tables are full.
func (p *Provider) busy(w http.ResponseWriter) {
	render(w, http.StatusServiceUnavailable, pageData{ErrorPage: true, Error: "too many sign-ins are pending; try again shortly"})
}

func render(w http.ResponseWriter, status int, d pageData) {
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, d); err != nil {
		http.Error(w, "page error", http.StatusInternalServerError)
		return
	}
	pageHeaders(w)
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="az">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{if .ErrorPage}}Giriş alınmadı{{else}}Şəxsiyyətinizi seçin{{end}} — dev IdP</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;padding:1rem;max-width:40rem;margin-inline:auto;color:#1b1b1b}
.dev{background:#fff3cd;border:1px solid #e0c36a;padding:.6rem .8rem;border-radius:.4rem;font-size:.9rem}
h1{font-size:1.4rem;margin:.8rem 0 .2rem}
.sub{color:#555;margin:.1rem 0}
ul{list-style:none;padding:0}
li{margin:.4rem 0}
button{width:100%;text-align:left;padding:.7rem .9rem;font:inherit;border:1px solid #9aa7b8;border-radius:.4rem;background:#f6f8fb;cursor:pointer}
button:hover,button:focus{background:#e6edf7}
.name{font-weight:600}
.meta{display:block;color:#444;font-size:.85rem}
.cancel{background:#fff;border-color:#c77;margin-top:1rem}
.err{border-left:4px solid #c33;padding:.4rem .8rem;background:#fdf0f0}
</style>
</head>
<body>
<p class="dev" lang="az">Yalnız inkişaf və sınaq üçün şəxsiyyət provayderi. İstehsalatda istifadə olunmur.
<br><span lang="en">Development and test identity provider only — never used in production.</span>
<br><span lang="ru">Поставщик удостоверений только для разработки и тестов — не для эксплуатации.</span></p>
{{if .ErrorPage}}
<h1>Giriş sorğusu qəbul edilmədi</h1>
<p class="sub" lang="en">The sign-in request was refused</p>
<p class="sub" lang="ru">Запрос на вход отклонён</p>
<p class="err" lang="en">{{.Error}}</p>
{{else}}
<h1>Şəxsiyyətinizi seçin</h1>
<p class="sub" lang="en">Choose who you are</p>
<p class="sub" lang="ru">Выберите, кто вы</p>
{{if .HintMiss}}<p class="err">login_hint heç bir şəxsə uyğun gəlmir · matches no persona · не соответствует ни одному лицу</p>{{end}}
<form method="post" action="{{.Action}}">
<input type="hidden" name="request" value="{{.Request}}">
<ul>
{{range .Personas}}<li><button type="submit" name="persona" value="{{.Subject}}">
<span class="name">{{.Name}}</span>
<span class="meta">{{index .Role 0}}{{if .Org}} · {{.Org}}{{end}}{{if .FIN}} · FİN {{.FIN}}{{end}}</span>
<span class="meta" lang="en">{{index .Role 1}}</span>
<span class="meta" lang="ru">{{index .Role 2}}</span>
</button></li>
{{end}}</ul>
<button class="cancel" type="submit" name="cancel" value="1">Ləğv et · Cancel · Отмена</button>
</form>
{{end}}
</body>
</html>
`))
