package namefold

import (
	"strings"
	"testing"
)

// sameName lists groups of spellings of one name; every spelling in a group
// must give the Key of the group's first spelling.
var sameName = [][]string{
	// Surnames (§3.3, §3.5 of the reference facts).
	{"Məmmədov", "Mammadov", "Mamedov", "Мамедов", "Мәммәдов", "Mammedov", "MAMMADOV", "Mamedow"},
	{"Əliyeva", "Aliyeva", "Alieva", "Алиева", "Alijewa"},
	{"Hüseynov", "Guseynov", "Гусейнов", "Huseynov", "Gusseinov", "Huseinov", "Һүсејнов"},
	{"Cəfərov", "Jafarov", "Джафаров", "Dzhafarov", "Djafarov", "Ҹәфәров", "Cafarov"},
	{"Əliyev", "Aliyev", "Aliev", "Алиев", "Alijev", "Әлијев", "ALIYEV"},
	{"Həsənov", "Hasanov", "Gasanov", "Гасанов", "Gassanov", "Һәсәнов"},
	{"Quliyev", "Guliyev", "Guliev", "Кулиев", "Гулиев", "Kuliev", "Гулијев"},
	{"İsmayılov", "Ismayilov", "Ismailov", "Исмайлов", "ISMAYILOV", "Исмаилов", "Исмајылов", "İSMAYILOV"},
	{"Əhmədov", "Ahmadov", "Akhmedov", "Ахмедов", "Әһмәдов"},
	{"Heydərov", "Heydarov", "Geydarov", "Гейдаров", "Gaidarov", "Һејдәров"},
	{"Abdullayev", "Abdullaev", "Абдуллаев", "Абдуллајев"},
	{"Hacıyev", "Hajiyev", "Гаджиев", "Gadzhiev"},
	{"Sadıqov", "Садыхов", "Sadykhov"},
	{"Əsgərov", "Asgarov", "Аскеров", "Askerov"},
	{"İshaq", "Ishaq", "Исхак", "Ishag"},
	// Given names.
	{"İlham", "Ilham", "Ilkham", "Ильхам", "Ilgam"},
	{"Həmid", "Gamid", "Гамид", "Hamid"},
	{"Şükürov", "Shukurov", "Шукюров", "Shukyurov"},
	{"Çingiz", "Chingiz", "Чингиз"},
	{"Xədicə", "Khadija", "Хадиджа", "Xadica"},
	{"Aygün", "Aygun", "Айгюн", "Aygyun"},
	{"Gülnarə", "Gulnara", "Гюльнара", "Gyulnara", "Giulnara"},
	{"Zəhra", "Zahra", "Захра"},
	{"Nəcməddin", "Najmaddin", "Наджмеддин"},
	{"Orxan", "Orkhan", "Орхан"},
	{"Ceyhun", "Jeyhun", "Джейхун", "Dzheykhun"},
	{"Könül", "Konul", "Кёнюль", "Kyonyul"},
	{"Ülviyyə", "Ulviyya", "Ульвия", "Ulviya"},
	{"Məryəm", "Maryam", "Марьям", "Mariam"},
	{"Yeganə", "Yegana", "Егана"},
	{"Jalə", "Жаля", "Zhala"},
	// Patronymics and whole names (§3.4).
	{"Vüqar oğlu", "Vugar ogly", "Вугар оглы", "Vuqar oglu", "Vugar oghlu", "Вугар огли", "Vüqar OĞLU"},
	{"Elçin qızı", "Elchin gizi", "Эльчин кызы", "Elchin kyzy", "Elçin kizi", "Эльчин гызы"},
	{"Əli Vüqar oğlu Məmmədov", "Ali Vugar ogly Mamedov", "Али Вугар оглы Мамедов", "ƏLİ VÜQAR OĞLU MƏMMƏDOV"},
	{"Aysel Elçin qızı Hüseynova", "Aysel Elchin kyzy Guseynova", "Айсель Эльчин кызы Гусейнова"},
	// Surnames with -oğlu and -qızı.
	{"Əlioğlu", "Алиоглы", "Aliogly"},
	{"Yusifqızı", "Yusifkyzy", "Юсифгызы"},
	// Unicode edge cases: turned e, decomposed letters, casing, spacing.
	{"Məmmədov", "M\u01ddmm\u01dddov", "M\u0259mm\u0259dov", "Mәmmәdov", "mƏmmƏdov"},
	{"Şükürov", "S\u0327u\u0308ku\u0308rov", "ŞÜKÜROV"},
	{"İsmayılov", "I\u0307smay\u0131lov", "i\u0307smayılov"},
	{"Əli Məmmədov", "  Əli   Məmmədov  ", "Əli-Məmmədov", "Əli\tMəmmədov\n", "ƏLİ, MƏMMƏDOV.", "\u00a0Əli\u00a0Məmmədov"},
	{"Məmmədova", "Мамедова", "Mammadova"},
	{"Ma'rifə", "Marifə", "Ma’rifə"},
	{"Əli", "Ａｌｉ"},
}

// differentName lists pairs of different names that must not share a Key.
var differentName = [][2]string{
	{"Əliyev", "Vəliyev"},
	{"Məmmədov", "Muradov"},
	{"Həsənov", "Hüseynov"},
	{"Aliyev", "Aliyeva"}, // the gender ending differs; Root is equal (TestRoot)
	{"Məmmədov", "Məmmədova"},
	{"Kərimov", "Rəhimov"},
	{"Elçin", "Elşən"},
	{"Anar", "Anara"},
	{"Nigar", "Nigarə"},
	{"Sevinc", "Sevil"},
	{"Aydan", "Aytən"},
	{"Aysel", "Aysu"},
	{"Fərid", "Fuad"},
	{"Kamran", "Kənan"},
	{"Tural", "Turan"},
	{"Rəşad", "Rəsul"},
	{"Səbinə", "Samirə"},
	{"Quliyev", "Qasımov"},
	{"Ağayev", "Abbasov"},
	{"Elnur", "Elnurə"},
	{"Vüqar oğlu", "Vüqar qızı"},
	{"Cəfərov", "Qafarov"},
	{"Günay", "Günel"},
	{"Leyla", "Lalə"},
	{"Emin", "Emil"},
	{"Vüsal", "Vüsalə"},
	{"Nərmin", "Nərgiz"},
	{"Rauf", "Raul"},
	{"Nihad", "Nicat"},
	{"Ülvi", "Ülviyyə"},
	{"İlqar", "İlham"},
	{"Əhmədov", "Məhəmmədov"},
	{"Aygün", "Aynur"},
	{"Kərimov", "Kərimli"},
	{"Səma", "Sona"},
	{"Cavid", "Cahid"},
	{"Əli Məmmədov", "Vəli Məmmədov"},
	{"Əli Vüqar oğlu Məmmədov", "Əli Vüsal oğlu Məmmədov"},
	{"Samir", "Samirə"},
	{"Sadıqov", "Sadıxova"},
	{"Nəcəf", "Nəcib"},
}

func TestKeySameName(t *testing.T) {
	pairs := 0
	for _, group := range sameName {
		want := Key(group[0])
		if want == "" {
			t.Errorf("Key(%q) is empty", group[0])
		}
		for _, s := range group[1:] {
			pairs++
			if got := Key(s); got != want {
				t.Errorf("Key(%q) = %q, want %q as for %q", s, got, want, group[0])
			}
		}
	}
	if pairs < 45 {
		t.Errorf("only %d variant pairs; the table must keep at least 45", pairs)
	}
}

func TestKeyDifferentName(t *testing.T) {
	if len(differentName) < 25 {
		t.Errorf("only %d near-misses; the table must keep at least 25", len(differentName))
	}
	for _, p := range differentName {
		if a, b := Key(p[0]), Key(p[1]); a == b {
			t.Errorf("Key(%q) == Key(%q) == %q, want different keys", p[0], p[1], a)
		}
	}
}

func TestKeyExact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"  -- ., ", ""},
		{"Məmmədov", "mamadov"},
		{"Əli Vüqar oğlu Məmmədov", "ali vuhar oglu mamadov"},
		{"Aysel Vüqar qızı Məmmədova", "aisal vuhar qizi mamadova"},
		{"Вугар оглы", "vuhar oglu"},
		{"Эльчин кызы", "alchin qizi"},
		{"oglu", "oglu"},
		{"qizi", "qizi"},
		{"Hüseynov", "husainov"},
		{"Abdullaev", "abdulaiav"},
		{"Əli-Məmmədov", "ali mamadov"},
		{"Ωμέγα", ""}, // other scripts give nothing
		{"Məmmədov 2", "mamadov 2"},
	}
	for _, tt := range tests {
		if got := Key(tt.in); got != tt.want {
			t.Errorf("Key(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// checkKey fails t unless k is ASCII lower case with single inner spaces.
func checkKey(t *testing.T, in, k string) {
	t.Helper()
	for i := 0; i < len(k); i++ {
		c := k[i]
		ok := c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
			c == ' ' && i > 0 && i < len(k)-1 && k[i-1] != ' '
		if !ok {
			t.Fatalf("Key(%q) = %q: byte %d (%q) is not allowed", in, k, i, c)
		}
	}
}

func TestKeyIsFixedPoint(t *testing.T) {
	var all []string
	for _, g := range sameName {
		all = append(all, g...)
	}
	for _, p := range differentName {
		all = append(all, p[0], p[1])
	}
	for _, s := range all {
		k := Key(s)
		checkKey(t, s, k)
		if k2 := Key(k); k2 != k {
			t.Errorf("Key(Key(%q)) = %q, want %q", s, k2, k)
		}
		if r := Root(k); r != Root(s) {
			t.Errorf("Root(Key(%q)) = %q, want Root = %q", s, r, Root(s))
		}
	}
}

func TestRoot(t *testing.T) {
	same := [][]string{
		{"Məmmədov", "Məmmədova", "Mamedova", "Məmmədli", "Məmmədzadə", "Mammadli", "Мамедова", "Mamedzade"},
		{"Əliyev", "Aliyeva", "Əlizadə", "Alizadeh", "Əlioğlu", "Алиева", "Aliyeva"},
		{"Hüseynov", "Hüseynova", "Hüseynli", "Guseynova", "Hüseynoğlu"},
		{"Şükürov", "Şükürlü", "Shukurova"},
		{"Babayev", "Babaeva", "Babalı"},
		{"Ağayev", "Ağalı", "Agaeva"},
		{"Musayev", "Musaoğlu", "Musaeva"},
		{"İsmayılov", "İsmayılqızı", "Ismailova", "Исмайлова"},
		{"Kərimov", "Kərimli", "Керимова"},
		{"Əli Vüqar oğlu Məmmədov", "Ali Vugar ogly Mamedzade"},
	}
	for _, g := range same {
		want := Root(g[0])
		for _, s := range g[1:] {
			if got := Root(s); got != want {
				t.Errorf("Root(%q) = %q, want %q as for %q", s, got, want, g[0])
			}
		}
	}
	differ := [][2]string{
		{"Məmmədov", "Muradov"},
		{"Əliyev", "Vəliyev"},
		{"Kərimov", "Rəhimov"},
		{"Hüseynov", "Həsənov"},
		{"Məmmədli", "Məhərrəmli"},
	}
	for _, p := range differ {
		if a, b := Root(p[0]), Root(p[1]); a == b {
			t.Errorf("Root(%q) == Root(%q) == %q, want different roots", p[0], p[1], a)
		}
	}
	exact := []struct{ in, want string }{
		{"Məmmədova", "mamad"},
		{"Əli", "ali"},   // too short to strip "li"
		{"Qulu", "hulu"}, // too short to strip "lu"
		{"Vüqar oğlu", "vuhar oglu"},
		{"Əli Hüseynli", "ali husain"}, // only the last word loses its ending
		{"Əliyev Əli", "aliav ali"},
		{"", ""},
	}
	for _, tt := range exact {
		if got := Root(tt.in); got != tt.want {
			t.Errorf("Root(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDisplay(t *testing.T) {
	tests := []struct{ in, want string }{
		{"əli vüqar oğlu məmmədov", "Əli Vüqar oğlu Məmmədov"},
		{"ƏLİ VÜQAR OĞLU MƏMMƏDOV", "Əli Vüqar oğlu Məmmədov"},
		{"  AYSEL   VÜQAR QIZI\tMƏMMƏDOVA ", "Aysel Vüqar qızı Məmmədova"},
		{"ismayılov", "İsmayılov"},
		{"İSMAYILOV", "İsmayılov"},
		{"ILHAM", "Ilham"},                       // plain ASCII: usual casing, no dotless ı
		{"ilham", "Ilham"},                       // and no invented dotted İ
		{"İLHAM ƏLİYEV", "İlham Əliyev"},         // Turkic letters present: Turkic casing
		{"ŞIRIN", "Şırın"},                       // ... so an undotted I is ı
		{"M\u01ddmm\u01dddov", "Məmmədov"},       // turned e
		{"Mәmmәdov", "Məmmədov"},                 // Cyrillic ә in a Latin word
		{"Mаmmаdоv", "Mammadov"},                 // Cyrillic а and о in a Latin word
		{"S\u0327u\u0308ku\u0308rov", "Şükürov"}, // decomposed
		{"I\u0307SMAYILOV", "İsmayılov"},
		{"i\u0307lham", "İlham"},
		{"məmməd-əli", "Məmməd-Əli"},
		{"a.məmmədov", "A.Məmmədov"},
		{"ma'rifə", "Ma'rifə"},
		{"АЛИЕВ ЧИНГИЗ", "Алиев Чингиз"},
		{"Вугар ОГЛЫ", "Вугар оглы"},
		{"Elchin KYZY", "Elchin kyzy"},
		{"Əli\u200b Məmmədov", "Əli Məmmədov"}, // zero-width space dropped
		{"Əlioğlu", "Əlioğlu"},                 // a surname, not a marker
		{"", ""},
		{"   ", ""},
	}
	for _, tt := range tests {
		got := Display(tt.in)
		if got != tt.want {
			t.Errorf("Display(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if again := Display(got); again != got {
			t.Errorf("Display(Display(%q)) = %q, want %q", tt.in, again, got)
		}
		if Key(got) != Key(tt.in) {
			t.Errorf("Key(Display(%q)) = %q, want Key = %q", tt.in, Key(got), Key(tt.in))
		}
	}
}

func BenchmarkKey(b *testing.B) {
	names := []string{
		"Əli Vüqar oğlu Məmmədov",
		"Али Вугар оглы Мамедов",
		"ISMAYILOV",
		"Aysel Elchin kyzy Guseynova",
	}
	b.ReportAllocs()
	n := 0
	for i := 0; b.Loop(); i++ {
		n += len(Key(names[i%len(names)]))
	}
	if n == 0 {
		b.Fatal("empty keys")
	}
}

func FuzzKey(f *testing.F) {
	for _, g := range sameName {
		for _, s := range g {
			f.Add(s)
		}
	}
	f.Add("Yusif\u0301 Ѣ ǅ ﬀ \xff ‘")
	f.Fuzz(func(t *testing.T, s string) {
		k := Key(s)
		checkKey(t, s, k)
		if k2 := Key(k); k2 != k {
			t.Fatalf("Key(%q) = %q, but Key(%q) = %q", s, k, k, k2)
		}
		r := Root(s)
		if !strings.HasPrefix(k, r) {
			t.Fatalf("Root(%q) = %q is not a prefix of Key = %q", s, r, k)
		}
		d := Display(s)
		if d2 := Display(d); d2 != d {
			t.Fatalf("Display(%q) = %q, but Display(%q) = %q", s, d, d, d2)
		}
	})
}
