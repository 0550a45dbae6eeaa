package export

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/dejavu/dejavusansbold"
	"github.com/xuri/excelize/v2"
	"golang.org/x/image/font/sfnt"
)

// The letters the exports must print: every Azerbaijani letter outside
// ASCII, and Russian.
const (
	azLetters = "ƏəĞğIıİiÖöŞşÜüÇç"
	ruLetters = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюя"
)

var generated = time.Date(2026, 1, 14, 14, 30, 0, 0, time.UTC) // 18:30 in Baku

func sample() Document {
	return Document{
		Title:     "Uşaqların sayı — rayonlar üzrə",
		Subtitle:  "Şəki, Gəncə, İsmayıllı; Дети по регионам",
		Generated: generated,
		Tables: []Table{{
			Title:  "Yaş qrupları",
			Header: []string{"Rayon", "0-2", "3-5", "Cəmi", "Faiz"},
			Rows: [][]Cell{
				{Text("Gəncə"), Num(1200), Num(1350), Num(2550), NumPrec(12.345, 1)},
				{Text("Şəki"), Num(40), Null(), Num(40), NumPrec(0.2, 1)},
				{Text("Москва, ул. Ленина"), Num(0.1 + 0.2), Num(-0.0), Num(1234567), Num(math.NaN())},
				{Text("=SUM(A1)"), Num(7)}, // short row: the rest is empty
			},
			Notes: []string{"Mənbə: Məlumat Bankı", "Beşdən az olan xanalar gizlədilib."},
		}},
	}
}

func TestCSV(t *testing.T) {
	var b bytes.Buffer
	if err := CSV(&b, sample().Tables[0]); err != nil {
		t.Fatal(err)
	}
	raw := b.Bytes()
	if !bytes.HasPrefix(raw, []byte("\xEF\xBB\xBF")) {
		t.Fatalf("no byte-order mark: % x", raw[:3])
	}
	if !utf8.Valid(raw) {
		t.Fatal("not UTF-8")
	}
	recs, err := csv.NewReader(bytes.NewReader(raw[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Rayon", "0-2", "3-5", "Cəmi", "Faiz"},
		{"Gəncə", "1200", "1350", "2550", "12.3"},
		{"Şəki", "40", "", "40", "0.2"},
		{"Москва, ул. Ленина", "0.3", "0", "1234567", ""},
		{"'=SUM(A1)", "7", "", "", ""},
	}
	if fmt.Sprint(recs) != fmt.Sprint(want) {
		t.Fatalf("CSV records\n got %q\nwant %q", recs, want)
	}
	if strings.Contains(b.String(), "Mənbə") {
		t.Error("notes must not be in the CSV")
	}
}

func TestSheetNames(t *testing.T) {
	long := strings.Repeat("Ə", 40)
	tables := []Table{
		{Title: "Rayonlar: [Bakı] / 2025?"},
		{Title: "rayonlar  [bakı]  2025"}, // the same after cleaning, other case
		{Title: long},
		{Title: long},
		{Title: "'History'"},
		{Title: ""},
	}
	names := sheetNames(tables, "Cədvəl")
	seen := map[string]bool{}
	for i, n := range names {
		if n == "" || utf8.RuneCountInString(n) > 31 || strings.ContainsAny(n, `[]:*?/\`) ||
			strings.HasPrefix(n, "'") || strings.HasSuffix(n, "'") || strings.EqualFold(n, "history") {
			t.Errorf("table %d: sheet name %q is not allowed", i, n)
		}
		if seen[strings.ToLower(n)] {
			t.Errorf("table %d: sheet name %q repeats", i, n)
		}
		seen[strings.ToLower(n)] = true
	}
	if names[0] != "Rayonlar Bakı 2025" {
		t.Errorf("first name %q", names[0])
	}
	if names[5] != "Cədvəl 6" {
		t.Errorf("untitled table named %q", names[5])
	}
}

func TestXLSX(t *testing.T) {
	d := sample()
	second := d.Tables[0]
	second.Title = "Yaş/qrupları: ikinci [nüsxə] çox uzun ad ilə davam edir"
	d.Tables = append(d.Tables, second, second)
	var b bytes.Buffer
	if err := XLSX(&b, d); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != 3 {
		t.Fatalf("sheets %q, want 3", sheets)
	}
	if sheets[0] != "Yaş qrupları" || sheets[1] == sheets[2] {
		t.Errorf("sheet names %q", sheets)
	}
	props, err := f.GetDocProps()
	if err != nil {
		t.Fatal(err)
	}
	if props.Title != d.Title || props.Subject != d.Subtitle {
		t.Errorf("properties %+v", props)
	}
	s := sheets[0]
	get := func(cell string) string {
		v, err := f.GetCellValue(s, cell)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if get("A1") != "Yaş qrupları" || get("A2") != d.Title+" — "+d.Subtitle {
		t.Errorf("title rows %q / %q", get("A1"), get("A2"))
	}
	if got := get("A3"); got != "Yaradılıb: 2026-01-14 18:30 (Asia/Baku)" {
		t.Errorf("generated row %q", got)
	}
	// Row 4 is blank, row 5 the header, rows 6-9 the data.
	if get("D5") != "Cəmi" {
		t.Fatalf("header D5 = %q", get("D5"))
	}
	style, _ := f.GetCellStyle(s, "A5")
	st, err := f.GetStyle(style)
	if err != nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("header is not bold: %+v %v", st, err)
	}
	for _, c := range []string{"B6", "D8", "E6"} {
		typ, err := f.GetCellType(s, c)
		if err != nil {
			t.Fatal(err)
		}
		if typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("%s is %v, want a number", c, typ)
		}
	}
	raw, _ := f.GetCellValue(s, "D8", excelize.Options{RawCellValue: true})
	if raw != "1234567" {
		t.Errorf("D8 raw %q", raw)
	}
	if got := get("E6"); got != "12.3" { // shown with one decimal
		t.Errorf("E6 shown as %q", got)
	}
	raw, _ = f.GetCellValue(s, "E6", excelize.Options{RawCellValue: true})
	if raw != "12.345" {
		t.Errorf("E6 keeps %q, want the full value", raw)
	}
	for _, c := range []string{"C7", "E8", "C9"} {
		if v := get(c); v != "" {
			t.Errorf("null cell %s holds %q", c, v)
		}
	}
	if get("A9") != "=SUM(A1)" {
		t.Errorf("text cell A9 = %q", get("A9"))
	}
	if formula, _ := f.GetCellFormula(s, "A9"); formula != "" {
		t.Errorf("text became a formula %q", formula)
	}
	if get("A11") != "Mənbə: Məlumat Bankı" || get("A12") != "Beşdən az olan xanalar gizlədilib." {
		t.Errorf("notes %q %q", get("A11"), get("A12"))
	}
	w, _ := f.GetColWidth(s, "A")
	if w < float64(utf8.RuneCountInString("Москва, ул. Ленина")) || w > 62 {
		t.Errorf("column A width %v", w)
	}
	panes, _ := f.GetPanes(s)
	if !panes.Freeze || panes.YSplit != 5 {
		t.Errorf("panes %+v: the header row should stay in view", panes)
	}
}

func TestFontHasLetters(t *testing.T) {
	for name, data := range map[string][]byte{"regular": dejavusans.TTF, "bold": dejavusansbold.TTF} {
		f, err := sfnt.Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		var buf sfnt.Buffer
		for _, r := range azLetters + ruLetters + "№…—" {
			g, err := f.GlyphIndex(&buf, r)
			if err != nil || g == 0 {
				t.Errorf("%s font lacks %q (U+%04X)", name, r, r)
			}
		}
	}
}

// pdftotext finds Debian's poppler-utils; CI installs it, elsewhere a
// missing one skips the test.
func pdftotext(t *testing.T) string {
	if p, err := exec.LookPath("pdftotext"); err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no pdftotext: .ci/run installs Debian's poppler-utils package")
	}
	t.Skip("pdftotext is not installed (apt-get install poppler-utils)")
	return ""
}

func pdfText(t *testing.T, d Document) (string, []byte) {
	tool := pdftotext(t)
	var b bytes.Buffer
	if err := PDF(&b, d); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.pdf"), filepath.Join(dir, "out.txt")
	if err := os.WriteFile(in, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if msg, err := exec.Command(tool, "-layout", "-enc", "UTF-8", in, out).CombinedOutput(); err != nil {
		t.Fatalf("pdftotext: %v %s", err, msg)
	}
	txt, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return string(txt), b.Bytes()
}

func TestPDF(t *testing.T) {
	d := sample()
	d.Tables[0].Rows = append(d.Tables[0].Rows, []Cell{Text(azLetters + " " + ruLetters[:20]), Num(42)})
	txt, raw := pdfText(t, d)
	if !bytes.HasPrefix(raw, []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	if !bytes.Contains(raw, []byte("FontFile2")) {
		t.Error("the font is not embedded")
	}
	for _, want := range []string{
		"Uşaqların sayı — rayonlar üzrə", "Şəki", "Gəncə", "İsmayıllı", "Дети по регионам",
		"Москва, ул. Ленина", "1234567", "2550", "12.3", "Cəmi",
		"Mənbə: Məlumat Bankı", "Yaradılıb: 2026-01-14 18:30 (Asia/Baku)", "Səhifə 1 / 1",
		"ƏəĞğIıİiÖöŞşÜüÇç",
	} {
		if !strings.Contains(txt, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("text:\n%s", txt)
	}
}

// TestPDFLongTable runs a table over several pages: the header repeats on
// each, the pages are numbered, the numbers sit at the right edge of their
// column and a wide table turns the pages to landscape.
func TestPDFLongTable(t *testing.T) {
	header := []string{"Rayon", "Uşaqlar", "Qeyd"}
	var rows [][]Cell
	for i := range 150 {
		rows = append(rows, []Cell{
			Text(fmt.Sprintf("Rayon-%03d", i)),
			Num(float64(i * 1000)),
			Text("Qısa qeyd"),
		})
	}
	rows[3][2] = Text(strings.Repeat("uzun mətn sözlərlə ", 30) + "SON")
	wide := Table{Title: "Geniş cədvəl", Header: make([]string, 14)}
	wideRow := make([]Cell, 14)
	for c := range 14 {
		wide.Header[c] = fmt.Sprintf("Göstərici %d", c+1)
		wideRow[c] = Num(float64(100000 + c))
	}
	wide.Rows = [][]Cell{wideRow}
	d := Document{Title: "Uzun hesabat", Generated: generated, Lang: "en",
		Tables: []Table{{Title: "Hamısı", Header: header, Rows: rows}, wide}}
	txt, _ := pdfText(t, d)
	pages := strings.Split(strings.TrimRight(txt, "\f"), "\f")
	if len(pages) < 4 {
		t.Fatalf("%d pages, want at least 4", len(pages))
	}
	for i, pg := range pages {
		if !strings.Contains(pg, fmt.Sprintf("Page %d of %d", i+1, len(pages))) {
			t.Errorf("page %d lacks its number", i+1)
		}
		if i < len(pages)-1 && !strings.Contains(pg, "Uşaqlar") {
			t.Errorf("page %d lacks the header", i+1)
		}
	}
	for i := range 150 {
		if !strings.Contains(txt, fmt.Sprintf("Rayon-%03d", i)) {
			t.Errorf("row %d is missing", i)
		}
	}
	if !strings.Contains(txt, "SON") {
		t.Error("the end of the wrapped text is missing")
	}
	// Right-aligned numbers end at the same x on the page.
	ends, numbers := map[string]bool{}, 0
	for _, w := range pdfWords(t, d, 1) {
		if _, err := strconv.Atoi(w.text); err == nil && w.xMin > 60 && w.xMax < 500 {
			ends[fmt.Sprintf("%.1f", w.xMax)] = true
			numbers++
		}
	}
	if numbers < 30 || len(ends) != 1 {
		t.Errorf("numbers end at several places: %v", ends)
	}
	last := pages[len(pages)-1]
	if strings.Count(last, "Göstərici") != 14 || !strings.Contains(last, "100013") {
		t.Errorf("the wide table lost columns:\n%s", last)
	}
	if os.Getenv("EXPORT_PDF_PNG") != "" {
		keepPNG(t, d)
	}
}

type pdfWord struct {
	text       string
	xMin, xMax float64
}

var wordRE = regexp.MustCompile(`<word xMin="([0-9.]+)" yMin="[0-9.]+" xMax="([0-9.]+)" yMax="[0-9.]+">([^<]*)</word>`)

// pdfWords is where pdftotext finds each word on one page.
func pdfWords(t *testing.T, d Document, page int) []pdfWord {
	tool := pdftotext(t)
	var b bytes.Buffer
	if err := PDF(&b, d); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(t.TempDir(), "in.pdf")
	if err := os.WriteFile(in, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	pg := strconv.Itoa(page)
	out, err := exec.Command(tool, "-bbox", "-f", pg, "-l", pg, in, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	var words []pdfWord
	for _, m := range wordRE.FindAllStringSubmatch(string(out), -1) {
		x0, _ := strconv.ParseFloat(m[1], 64)
		x1, _ := strconv.ParseFloat(m[2], 64)
		words = append(words, pdfWord{text: m[3], xMin: x0, xMax: x1})
	}
	if len(words) == 0 {
		t.Fatal("pdftotext found no words")
	}
	return words
}

// keepPNG renders the document for a person to look at (EXPORT_PDF_PNG=1).
func keepPNG(t *testing.T, d Document) {
	var b bytes.Buffer
	if err := PDF(&b, d); err != nil {
		t.Fatal(err)
	}
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", ".ci", "artifacts")
	_ = os.MkdirAll(dir, 0o755)
	in := filepath.Join(dir, "export.pdf")
	_ = os.WriteFile(in, b.Bytes(), 0o644)
	_ = exec.Command("pdftoppm", "-png", "-r", "60", in, filepath.Join(dir, "export")).Run()
}

func benchTable(rows int) Document {
	t := Table{Title: "Siyahı", Header: []string{"Rayon", "Yaş qrupu", "Cins", "Say", "Faiz"}}
	for i := range rows {
		t.Rows = append(t.Rows, []Cell{Text(fmt.Sprintf("Rayon %d", i%66)), Text("6-9"), Text("Qız"), Num(float64(i)), NumPrec(float64(i%1000)/10, 1)})
	}
	return Document{Title: "Sınaq", Generated: generated, Tables: []Table{t}}
}

// BenchmarkPDF10k and BenchmarkXLSX100k give the README's figures:
// go test -run - -bench . -benchtime 1x ./internal/export/
func BenchmarkPDF10k(b *testing.B) {
	d := benchTable(10000)
	for b.Loop() {
		var w bytes.Buffer
		if err := PDF(&w, d); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(w.Len())/1e6, "MB")
	}
}

func BenchmarkXLSX100k(b *testing.B) {
	d := benchTable(100000)
	for b.Loop() {
		var w bytes.Buffer
		if err := XLSX(&w, d); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(w.Len())/1e6, "MB")
	}
}

func BenchmarkCSV100k(b *testing.B) {
	d := benchTable(100000)
	for b.Loop() {
		var w bytes.Buffer
		if err := CSV(&w, d.Tables[0]); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(w.Len())/1e6, "MB")
	}
}
