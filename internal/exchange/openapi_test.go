package exchange_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/exchange"
	"github.com/scfwca/databank/internal/participant"
	"github.com/scfwca/databank/internal/registry"
	"github.com/scfwca/databank/internal/store"
	"github.com/scfwca/databank/internal/store/storetest"
)

// The OpenAPI description is what the participants' integration engineers
// program against: these tests hold it to the route table, to the bytes
// served, to itself (references, examples) and to the answers the exchange
// really gives.

// oaURL is the name the document is known by to the JSON Schema compiler;
// its subschemas are compiled by JSON pointer under it.
const oaURL = "openapi.json"

// oaMethods are the operations a path item may hold, as OpenAPI names them.
var oaMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// oaDocument is the parsed description with a schema compiler over it.
type oaDocument struct {
	root     map[string]any
	compiler *jsonschema.Compiler
	schemas  map[string]*jsonschema.Schema
}

func openAPIDocument(t *testing.T) *oaDocument {
	t.Helper()
	raw := exchange.OpenAPI()
	if !json.Valid(raw) {
		t.Fatal("openapi.json is not valid JSON")
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	root, ok := v.(map[string]any)
	if !ok {
		t.Fatal("openapi.json is not a JSON object")
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(oaURL, root); err != nil {
		t.Fatalf("openapi.json as a JSON Schema resource: %v", err)
	}
	return &oaDocument{root: root, compiler: c, schemas: map[string]*jsonschema.Schema{}}
}

// schema compiles the subschema at a JSON pointer of the document.
func (d *oaDocument) schema(t *testing.T, ptr string) *jsonschema.Schema {
	t.Helper()
	if s, ok := d.schemas[ptr]; ok {
		return s
	}
	s, err := d.compiler.Compile(oaURL + "#" + ptr)
	if err != nil {
		t.Fatalf("compiling %s: %v", ptr, err)
	}
	d.schemas[ptr] = s
	return s
}

// oaEscape escapes a key as a JSON pointer token (RFC 6901).
func oaEscape(s string) string { return strings.NewReplacer("~", "~0", "/", "~1").Replace(s) }

// oaResolve returns the value at a JSON pointer of v.
func oaResolve(v any, ptr string) (any, bool) {
	if ptr == "" {
		return v, true
	}
	if !strings.HasPrefix(ptr, "/") {
		return nil, false
	}
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[tok]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// object returns the object at a JSON pointer, failing the test if there
// is none.
func (d *oaDocument) object(t *testing.T, ptr string) map[string]any {
	t.Helper()
	v, ok := oaResolve(d.root, ptr)
	m, isObj := v.(map[string]any)
	if !ok || !isObj {
		t.Fatalf("openapi.json has no object at %s", ptr)
	}
	return m
}

// follow resolves a local $ref of the object at ptr, returning the pointer
// and object it stands for.
func (d *oaDocument) follow(t *testing.T, ptr string) (string, map[string]any) {
	t.Helper()
	for range 10 {
		m := d.object(t, ptr)
		ref, ok := m["$ref"].(string)
		if !ok {
			return ptr, m
		}
		if !strings.HasPrefix(ref, "#/") {
			t.Fatalf("%s: $ref %q is not local", ptr, ref)
		}
		ptr = ref[1:]
	}
	t.Fatalf("%s: $ref loop", ptr)
	return "", nil
}

// operations lists the documented operations as "METHOD /path" with the
// JSON pointer of each.
func (d *oaDocument) operations(t *testing.T) map[string]string {
	t.Helper()
	ops := map[string]string{}
	paths := d.object(t, "/paths")
	for p, item := range paths {
		m, ok := item.(map[string]any)
		if !ok {
			t.Fatalf("paths[%s] is not an object", p)
		}
		for k := range m {
			if slices.Contains(oaMethods, k) {
				ops[strings.ToUpper(k)+" "+p] = "/paths/" + oaEscape(p) + "/" + k
			}
		}
	}
	return ops
}

// pathParams returns the names of an operation's path parameters, with
// those of its path item, following $refs; and fails on a path parameter
// that is not required.
func (d *oaDocument) pathParams(t *testing.T, opPtr string) []string {
	t.Helper()
	var names []string
	itemPtr := opPtr[:strings.LastIndex(opPtr, "/")]
	for _, ptr := range []string{itemPtr + "/parameters", opPtr + "/parameters"} {
		list, ok := oaResolve(d.root, ptr)
		if !ok {
			continue
		}
		for i := range list.([]any) {
			_, p := d.follow(t, fmt.Sprintf("%s/%d", ptr, i))
			if p["in"] != "path" {
				continue
			}
			name, _ := p["name"].(string)
			if p["required"] != true {
				t.Errorf("%s: path parameter %q is not required", opPtr, name)
			}
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// oaTemplateParam is a {name} of a path template.
var oaTemplateParam = regexp.MustCompile(`\{([^}]*)\}`)

// oaTemplateParams returns the {names} of a path template, Go's {name...}
// read as name and {$} left out.
func oaTemplateParams(path string) []string {
	var names []string
	for _, m := range oaTemplateParam.FindAllStringSubmatch(path, -1) {
		if m[1] == "$" {
			continue
		}
		names = append(names, strings.TrimSuffix(m[1], "..."))
	}
	slices.Sort(names)
	return names
}

// openAPIHandler is a real exchange, in the demo mode, on a fresh store.
func openAPIHandler(t *testing.T, seed bool) *exchange.Handler {
	t.Helper()
	st := storetest.Open(t, store.SQLite, nil)
	if seed {
		if err := st.SeedParticipants(t.Context(), participant.Defaults()); err != nil {
			t.Fatal(err)
		}
	}
	return exchange.New(st, registry.New(st, nil), slog.New(slog.DiscardHandler), exchange.Options{Insecure: true})
}

// oaRouteKey splits a route pattern into "METHOD /path".
func oaRouteKey(t *testing.T, pattern string) (method, path string) {
	t.Helper()
	method, path, ok := strings.Cut(pattern, " ")
	if !ok || method == "" || !strings.HasPrefix(path, "/") {
		t.Fatalf("route %q does not name a method and a path; every route of the exchange must, to be documented", pattern)
	}
	return method, path
}

func TestOpenAPIDocument(t *testing.T) {
	d := openAPIDocument(t)
	if d.root["openapi"] != "3.1.0" {
		t.Errorf("openapi = %v; want 3.1.0", d.root["openapi"])
	}
	info := d.object(t, "/info")
	if info["title"] != "Child Rights Data Bank — exchange API" || info["version"] != "1" {
		t.Errorf("info: title %v, version %v", info["title"], info["version"])
	}
	if desc, _ := info["description"].(string); !strings.Contains(desc, "openssl cms -sign -binary -outform DER") {
		t.Error("info.description does not show how to sign a batch with openssl")
	}
	if v, _ := oaResolve(d.root, "/servers/0/url"); v != "https://127.0.0.1:8443" {
		t.Errorf("servers[0].url = %v", v)
	}
	if v, _ := oaResolve(d.root, "/components/securitySchemes/mutualTLS/type"); v != "mutualTLS" {
		t.Errorf("components.securitySchemes.mutualTLS.type = %v; want mutualTLS", v)
	}
	if v, _ := oaResolve(d.root, "/security/0/mutualTLS"); v == nil {
		t.Error("mutual TLS is not required globally (security: [{mutualTLS: []}])")
	}
	// The embedded bytes are the file in the repository.
	file, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(file, exchange.OpenAPI()) {
		t.Error("exchange.OpenAPI() differs from openapi.json")
	}
	// Every operation has a unique operationId and a success answer.
	ids := map[string]string{}
	for op, ptr := range d.operations(t) {
		o := d.object(t, ptr)
		id, _ := o["operationId"].(string)
		if id == "" {
			t.Errorf("%s has no operationId", op)
		} else if prev, dup := ids[id]; dup {
			t.Errorf("operationId %q of %s is also that of %s", id, op, prev)
		}
		ids[id] = op
		if _, ok := oaResolve(d.root, ptr+"/responses/200"); !ok {
			t.Errorf("%s documents no 200 answer", op)
		}
	}
}

// TestOpenAPIRoutes checks the document against the route table both ways,
// with the same path parameters, and that exactly the routes that answer
// without credentials are documented as public.
func TestOpenAPIRoutes(t *testing.T) {
	d := openAPIDocument(t)
	h := openAPIHandler(t, false)
	documented := d.operations(t)
	routed := map[string]bool{}
	for _, r := range h.Routes() {
		method, path := oaRouteKey(t, r.Pattern)
		key := method + " " + path
		if routed[key] {
			t.Errorf("route %s appears twice in the route table", key)
		}
		routed[key] = true
		ptr, ok := documented[key]
		if !ok {
			t.Errorf("route %s is not documented in openapi.json", key)
			continue
		}
		if got, want := d.pathParams(t, ptr), oaTemplateParams(path); !slices.Equal(got, want) {
			t.Errorf("%s: documented path parameters %v; the route has %v", key, got, want)
		}

		// Called with no credentials (the demo mode without X-Participant),
		// a participant's route refuses with 401; a public one answers.
		target := oaTemplateParam.ReplaceAllString(path, "x")
		req := httptest.NewRequest(method, target, strings.NewReader("{}"))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		security, hasSecurity := d.object(t, ptr)["security"].([]any)
		public := hasSecurity && len(security) == 0
		switch {
		case rec.Code == http.StatusUnauthorized && public:
			t.Errorf("%s is documented as public (security: []) but answers 401 without credentials", key)
		case rec.Code != http.StatusUnauthorized && !public:
			t.Errorf("%s answers %d without credentials but is not documented as public (security: [])", key, rec.Code)
		}
		d.checkAnswer(t, key, rec)
	}
	for key := range documented {
		if !routed[key] {
			t.Errorf("%s is documented but not in the route table", key)
		}
	}
}

// TestOpenAPIServed checks that the exchange serves the document byte for
// byte.
func TestOpenAPIServed(t *testing.T) {
	h := openAPIHandler(t, false)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/exchange/v1/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /exchange/v1/openapi.json: %d", rec.Code)
	}
	if ct, _, _ := mime.ParseMediaType(rec.Header().Get("Content-Type")); ct != "application/json" {
		t.Errorf("Content-Type %q; want application/json", rec.Header().Get("Content-Type"))
	}
	if !bytes.Equal(rec.Body.Bytes(), exchange.OpenAPI()) {
		t.Errorf("the served document (%d bytes) differs from exchange.OpenAPI() (%d bytes)", rec.Body.Len(), len(exchange.OpenAPI()))
	}
}

// TestOpenAPIRefs checks that every $ref is local and resolves.
func TestOpenAPIRefs(t *testing.T) {
	d := openAPIDocument(t)
	n := 0
	var walk func(ptr string, v any)
	walk = func(ptr string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"]; ok {
				n++
				s, isString := ref.(string)
				switch {
				case !isString:
					t.Errorf("%s: $ref is not a string", ptr)
				case !strings.HasPrefix(s, "#/components/"):
					t.Errorf("%s: $ref %q does not point into components", ptr, s)
				default:
					if target, ok := oaResolve(d.root, s[1:]); !ok {
						t.Errorf("%s: $ref %q resolves to nothing", ptr, s)
					} else if _, isObj := target.(map[string]any); !isObj {
						t.Errorf("%s: $ref %q is not an object", ptr, s)
					}
				}
			}
			for k, e := range x {
				walk(ptr+"/"+oaEscape(k), e)
			}
		case []any:
			for i, e := range x {
				walk(fmt.Sprintf("%s/%d", ptr, i), e)
			}
		}
	}
	walk("", d.root)
	if n == 0 {
		t.Error("no $ref found: the walk is broken")
	}
	// Every component schema compiles as JSON Schema 2020-12.
	for name := range d.object(t, "/components/schemas") {
		d.schema(t, "/components/schemas/"+oaEscape(name))
	}
}

// TestOpenAPIExamples validates every example of the document against its
// schema, and checks that the schemas refuse what the exchange refuses.
func TestOpenAPIExamples(t *testing.T) {
	d := openAPIDocument(t)
	n := 0
	validate := func(schemaPtr, where string, v any) {
		t.Helper()
		n++
		if err := d.schema(t, schemaPtr).Validate(v); err != nil {
			t.Errorf("%s does not match its schema %s: %#v", where, schemaPtr, err)
		}
	}
	media := func(ptr string) {
		content, ok := oaResolve(d.root, ptr+"/content")
		if !ok {
			return
		}
		for mt, m := range content.(map[string]any) {
			mp := ptr + "/content/" + oaEscape(mt)
			mm := m.(map[string]any)
			if ex, ok := mm["example"]; ok {
				validate(mp+"/schema", mp+"/example", ex)
			}
			exs, _ := mm["examples"].(map[string]any)
			for name := range exs {
				ep, ex := d.follow(t, mp+"/examples/"+oaEscape(name))
				if v, ok := ex["value"]; ok {
					validate(mp+"/schema", ep, v)
				}
			}
		}
	}
	for _, ptr := range d.operations(t) {
		if _, ok := oaResolve(d.root, ptr+"/requestBody"); ok {
			rp, _ := d.follow(t, ptr+"/requestBody")
			media(rp)
		}
		for code := range d.object(t, ptr+"/responses") {
			rp, _ := d.follow(t, ptr+"/responses/"+oaEscape(code))
			media(rp)
		}
	}
	for name, s := range d.object(t, "/components/schemas") {
		exs, _ := s.(map[string]any)["examples"].([]any)
		for i, ex := range exs {
			validate("/components/schemas/"+oaEscape(name), fmt.Sprintf("components.schemas.%s.examples[%d]", name, i), ex)
		}
	}
	if n == 0 {
		t.Fatal("no examples found")
	}

	// The example batch is a Batch with a birth registration, and the
	// schema is not so loose that it takes anything.
	ex, ok := oaResolve(d.root, "/paths/"+oaEscape("/exchange/v1/batches")+"/post/requestBody/content/application~1json/examples/birthRegistration/value")
	if !ok {
		t.Fatal("POST /exchange/v1/batches has no example birthRegistration")
	}
	batch := d.schema(t, "/components/schemas/Batch")
	if err := batch.Validate(ex); err != nil {
		t.Errorf("the example batch: %#v", err)
	}
	if c, _ := oaResolve(ex, "/records/0/category"); c != "birth_registration" {
		t.Errorf("the example batch's first record is of category %v; want birth_registration", c)
	}
	for _, bad := range []string{
		`{"batch_id":"b","records":[]}`,
		`{"batch_id":"","records":[{"source_id":"s","category":"death","child":{"fin":"5ZK3N2P"},"effective_date":"2025-01-01","action":"retract"}]}`,
		`{"batch_id":"b","records":[{"source_id":"s","category":"death","child":{"fin":"5ZK3N2P"},"effective_date":"2025-01-01","action":"retract"}],"extra":1}`,
		`{"batch_id":"b","records":[{"source_id":"s","category":"death","child":{"fin":"5ZK3N2P"},"effective_date":"2025-01-01","action":"upsert"}]}`,
		`{"batch_id":"b","records":[{"source_id":"s","category":"no_such","child":{"fin":"5ZK3N2P"},"effective_date":"2025-01-01","action":"retract"}]}`,
		`{"batch_id":"b","records":[{"source_id":"s","category":"death","child":{"mother_fin":"5ZK3N2P"},"effective_date":"2025-01-01","action":"retract"}]}`,
		`{"batch_id":"b","records":[{"source_id":"s","category":"death","child":{"fin":"5ZK3N2P"},"effective_date":"1.1.2025","action":"retract"}]}`,
	} {
		v, _ := jsonschema.UnmarshalJSON(strings.NewReader(bad))
		if batch.Validate(v) == nil {
			t.Errorf("the Batch schema accepts %s, which the exchange refuses", bad)
		}
	}
	good := `{"batch_id":"b","records":[{"source_id":"s","category":"death","child":{"name":{"given":"Əli","family":"Məmmədov"},"birth_date":"2016-03-02"},"effective_date":"2025-01-01","action":"retract"}]}`
	if v, _ := jsonschema.UnmarshalJSON(strings.NewReader(good)); batch.Validate(v) != nil {
		t.Errorf("the Batch schema refuses %s: %v", good, batch.Validate(v))
	}
}

// TestOpenAPICatalogue checks the documented category codes and classes
// against the catalogue.
func TestOpenAPICatalogue(t *testing.T) {
	d := openAPIDocument(t)
	var codes, classes []any
	for _, c := range category.All() {
		codes = append(codes, c.Code)
		if !slices.Contains(classes, any(string(c.Class))) {
			classes = append(classes, string(c.Class))
		}
	}
	if got, _ := oaResolve(d.root, "/components/schemas/CategoryCode/enum"); !slices.Equal(oaSlice(got), codes) {
		t.Errorf("CategoryCode enum %v; the catalogue has %v", got, codes)
	}
	got := oaSlice(func() any { v, _ := oaResolve(d.root, "/components/schemas/Class/enum"); return v }())
	slices.SortFunc(got, func(a, b any) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
	slices.SortFunc(classes, func(a, b any) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
	if !slices.Equal(got, classes) {
		t.Errorf("Class enum %v; the catalogue uses %v", got, classes)
	}
}

func oaSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

// oaOwnHeaders are the exchange's own response headers; an answer that
// carries one must be documented with it.
var oaOwnHeaders = []string{"Retry-After", "X-Databank-Replay"}

// checkAnswer checks a real answer against the document: its status is
// documented for the operation, its media type too, and its body matches
// the schema.
func (d *oaDocument) checkAnswer(t *testing.T, op string, rec *httptest.ResponseRecorder) any {
	t.Helper()
	ptr, ok := d.operations(t)[op]
	if !ok {
		t.Errorf("%s is not documented", op)
		return nil
	}
	rp := ptr + "/responses/" + strconv.Itoa(rec.Code)
	if _, ok := oaResolve(d.root, rp); !ok {
		rp = ptr + "/responses/default"
		if _, ok := oaResolve(d.root, rp); !ok {
			t.Errorf("%s answered %d, which is not documented: %.300s", op, rec.Code, rec.Body.Bytes())
			return nil
		}
	}
	rp, resp := d.follow(t, rp)
	for _, name := range oaOwnHeaders {
		if rec.Header().Get(name) == "" {
			continue
		}
		if _, ok := oaResolve(resp, "/headers/"+oaEscape(name)); !ok {
			t.Errorf("%s answered %d with %s, which is not documented", op, rec.Code, name)
		}
	}
	mt, _, err := mime.ParseMediaType(rec.Header().Get("Content-Type"))
	if err != nil {
		t.Errorf("%s answered %d with Content-Type %q", op, rec.Code, rec.Header().Get("Content-Type"))
		return nil
	}
	sp := rp + "/content/" + oaEscape(mt) + "/schema"
	if _, ok := oaResolve(d.root, sp); !ok {
		t.Errorf("%s answered %d as %s, which is not documented", op, rec.Code, mt)
		return nil
	}
	body, err := jsonschema.UnmarshalJSON(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Errorf("%s answered %d with a body that is not JSON: %v", op, rec.Code, err)
		return nil
	}
	if err := d.schema(t, sp).Validate(body); err != nil {
		t.Errorf("%s answered %d with a body that does not match the document: %#v\n%.1000s", op, rec.Code, err, rec.Body.Bytes())
	}
	return body
}

// TestOpenAPIAnswers sends the documented example batch to a real
// exchange and checks every kind of answer it gives against the document.
func TestOpenAPIAnswers(t *testing.T) {
	d := openAPIDocument(t)
	h := openAPIHandler(t, true)
	answered := map[string]bool{}
	call := func(op, as, target string, body []byte, header ...string) *httptest.ResponseRecorder {
		t.Helper()
		method, _ := oaRouteKey(t, op)
		var req *http.Request
		if body != nil {
			req = httptest.NewRequest(method, target, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
		} else {
			req = httptest.NewRequest(method, target, nil)
		}
		if as != "" {
			req.Header.Set("X-Participant", as)
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		d.checkAnswer(t, op, rec)
		if rec.Code == http.StatusOK {
			answered[op] = true
		}
		return rec
	}
	want := func(rec *httptest.ResponseRecorder, status int, code string) {
		t.Helper()
		var p struct{ Code string }
		json.Unmarshal(rec.Body.Bytes(), &p)
		if rec.Code != status || p.Code != code {
			t.Errorf("answered %d %q; want %d %q: %.300s", rec.Code, p.Code, status, code, rec.Body.Bytes())
		}
	}

	const (
		submit   = "POST /exchange/v1/batches"
		evidence = "GET /exchange/v1/batches/{participant}/{batch_id}"
		child    = "GET /exchange/v1/children/{key}"
		search   = "POST /exchange/v1/children/search"
		feed     = "GET /exchange/v1/feed"
		notices  = "GET /exchange/v1/notices"
		catalog  = "GET /exchange/v1/categories"
		openapi  = "GET /exchange/v1/openapi.json"
	)

	// The documented example batch, sent as it is, is accepted whole.
	example, ok := oaResolve(d.root, "/paths/"+oaEscape("/exchange/v1/batches")+"/post/requestBody/content/application~1json/examples/birthRegistration/value")
	if !ok {
		t.Fatal("POST /exchange/v1/batches has no example birthRegistration")
	}
	body, err := json.Marshal(example)
	if err != nil {
		t.Fatal(err)
	}
	rec := call(submit, "justice", "/exchange/v1/batches", body)
	var resp exchange.BatchResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil || rec.Code != http.StatusOK {
		t.Fatalf("the example batch: %d %s", rec.Code, rec.Body.Bytes())
	}
	if n := len(oaSlice(example.(map[string]any)["records"])); resp.Counts["accepted"] != n {
		t.Fatalf("the example batch is not accepted whole: %s", rec.Body.Bytes())
	}
	first := rec.Body.Bytes()
	rec = call(submit, "justice", "/exchange/v1/batches", body)
	if rec.Header().Get("X-Databank-Replay") != "true" || !bytes.Equal(rec.Body.Bytes(), first) {
		t.Errorf("the example batch sent again: %v %s", rec.Header(), rec.Body.Bytes())
	}
	// Internal Affairs sends the child's identity card: a change in
	// Justice's feed.
	card := fmt.Sprintf(`{"batch_id":"ia-1","records":[{"source_id":"card-1","category":"identity_card","child":{"fin":"5ZK3N2P"},"effective_date":"2021-09-01","action":"upsert","data":%s}]}`,
		category.CatIdentityCard.Examples()[0])
	rec = call(submit, "internal_affairs", "/exchange/v1/batches", []byte(card))
	if !strings.Contains(rec.Body.String(), `"accepted":1`) {
		t.Fatalf("identity card: %d %s", rec.Code, rec.Body.Bytes())
	}
	// A batch with a rejected record: errors in the outcome.
	call(submit, "justice", "/exchange/v1/batches", []byte(`{"batch_id":"j-bad","records":[{"source_id":"x","category":"birth_registration","child":{"fin":"O"},"effective_date":"2016-03-14","action":"upsert","data":{}},{"source_id":"y"}]}`))

	want(call(submit, "justice", "/exchange/v1/batches", []byte(`{"batch_id":`)), 400, "malformed_json")
	want(call(submit, "justice", "/exchange/v1/batches", []byte(`{"batch_id":"e","records":[]}`)), 422, "batch_empty")
	want(call(submit, "justice", "/exchange/v1/batches", []byte(`{"batch_id":" ","records":[{}]}`)), 422, "batch_id_invalid")
	want(call(submit, "", "/exchange/v1/batches", body), 401, "participant_unknown")
	req := httptest.NewRequest(http.MethodPost, "/exchange/v1/batches", bytes.NewReader(body))
	req.Header.Set("X-Participant", "justice")
	req.Header.Set("Content-Type", "text/plain")
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	d.checkAnswer(t, submit, rec)
	want(rec, 415, "unsupported_media_type")

	// The evidence, to the sender and the operator only.
	batchID := example.(map[string]any)["batch_id"].(string)
	rec = call(evidence, "justice", "/exchange/v1/batches/justice/"+batchID, nil)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"response":{`) {
		t.Errorf("evidence: %d %s", rec.Code, rec.Body.Bytes())
	}
	call(evidence, "operator", "/exchange/v1/batches/justice/"+batchID, nil)
	want(call(evidence, "health", "/exchange/v1/batches/justice/"+batchID, nil), 403, "forbidden")
	want(call(evidence, "operator", "/exchange/v1/batches/justice/none", nil), 404, "not_found")

	// Profiles, by each documented form of key.
	rec = call(child, "justice", "/exchange/v1/children/5ZK3N2P", nil, "X-Purpose", "case 2026/114")
	if !strings.Contains(rec.Body.String(), `"birth_registration"`) {
		t.Errorf("profile: %d %s", rec.Code, rec.Body.Bytes())
	}
	if rec := call(child, "justice", "/exchange/v1/children/AB%2F123456", nil); rec.Code != http.StatusOK {
		t.Errorf("by birth certificate: %d %s", rec.Code, rec.Body.Bytes())
	}
	var v struct {
		ChildID int64 `json:"child_id"`
	}
	json.Unmarshal(rec.Body.Bytes(), &v)
	if rec := call(child, "justice", fmt.Sprintf("/exchange/v1/children/id:%d?as_of=2020-01-01", v.ChildID), nil); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"as_of"`) {
		t.Errorf("by id, as of a date: %d %s", rec.Code, rec.Body.Bytes())
	}
	want(call(child, "justice", "/exchange/v1/children/5ZK3N2P?as_of=2020-13-01", nil), 422, "as_of_invalid")
	want(call(child, "justice", "/exchange/v1/children/5ZK3N2P?as_of=2999-01-01", nil), 422, "invalid")
	want(call(child, "justice", "/exchange/v1/children/%3F%3F", nil), 422, "invalid")
	want(call(child, "justice", "/exchange/v1/children/9999999", nil), 404, "not_found")

	// Search.
	rec = call(search, "health", "/exchange/v1/children/search", []byte(`{"name":{"given":"Ali","family":"Mamedov"},"birth_date":"2016-03-02"}`), "X-Purpose", "check-up")
	if !strings.Contains(rec.Body.String(), `"5ZK3N2P"`) {
		t.Errorf("search by name: %d %s", rec.Code, rec.Body.Bytes())
	}
	call(search, "health", "/exchange/v1/children/search", []byte(`{"fin":"5ZK3N2P"}`))
	call(search, "health", "/exchange/v1/children/search", []byte(`{"fin":"2222222"}`))
	want(call(search, "health", "/exchange/v1/children/search", []byte(`{"fin":"O"}`)), 422, "invalid")
	want(call(search, "health", "/exchange/v1/children/search", []byte(`{}`)), 422, "invalid")

	// The feed.
	rec = call(feed, "justice", "/exchange/v1/feed?after=0&limit=10&wait=0", nil)
	var f exchange.FeedResponse
	if json.Unmarshal(rec.Body.Bytes(), &f); len(f.Changes) == 0 {
		t.Errorf("feed: %d %s", rec.Code, rec.Body.Bytes())
	}
	call(feed, "justice", fmt.Sprintf("/exchange/v1/feed?after=%d&wait=0", f.Next), nil)
	want(call(feed, "justice", "/exchange/v1/feed?limit=0", nil), 422, "feed_parameters")
	want(call(feed, "justice", "/exchange/v1/feed?after=x", nil), 422, "feed_parameters")

	// The correspondence notices.
	call(notices, "justice", "/exchange/v1/notices?after=0", nil)
	want(call(notices, "justice", "/exchange/v1/notices?limit=0", nil), 422, "notices_parameters")

	// The public routes.
	call(catalog, "", "/exchange/v1/categories", nil)
	call(openapi, "", "/exchange/v1/openapi.json", nil)

	// The annual reports (annual_test.go).
	annualAnswers(t, h, call, want)

	// Every documented operation was seen to succeed.
	for op := range d.operations(t) {
		if !answered[op] {
			t.Errorf("%s was not exercised with a 200 answer here; add it to this test", op)
		}
	}
}
