package population

import (
	"math/rand/v2"
	"strings"

	"github.com/scfwca/databank/internal/category"
)

// Names (azerbaijan-facts.md §3): the common given names, the surnames in
// -ov/-yev, which take -a for a woman, the gender-neutral native surnames
// (-lı/-li/-lu/-lü, -zadə), and patronymics "Vüqar oğlu", "Vüqar qızı".

var boysNames = []string{
	"Yusif", "Əli", "Hüseyn", "Uğur", "Ömər", "Məhəmməd", "Murad", "Ayxan", "Tunar", "İbrahim", "Raul",
	"Elçin", "Vüqar", "Anar", "Elnur", "Samir", "Elşən", "Rəşad", "İlqar", "Vüsal", "Tural",
	"Orxan", "Kənan", "Nicat", "Elvin", "Emin", "Emil", "Fərid", "Fuad", "Kamran", "Ramil", "Rəsul",
	"Ruslan", "Nihad", "Seymur", "Toğrul", "Zaur", "Cavid", "Ceyhun", "Aqil", "Azər", "Məmməd", "Həsən",
	"Heydər", "İsmayıl", "Süleyman", "Xəyal", "Ülvi", "Ümid", "Şahin", "Vəli", "Nurlan", "İlham", "Rauf",
}

var girlsNames = []string{
	"Zəhra", "Nuray", "Aylin", "Zeynəb", "Məryəm", "Fatimə", "Mələk", "İnci", "Dəniz", "Mədinə", "Nilay",
	"Ayla", "Xədicə", "Leyla", "Fidan", "Gülay", "Sevinc", "Günel", "Aygün", "Günay", "Sevda", "Vüsalə",
	"Könül", "Təranə", "Samirə", "Aysel", "Aytən", "Aynur", "Nərmin", "Ləman", "Nigar", "Səbinə",
	"Ülkər", "Lalə", "Türkan", "Gülnarə", "Nərgiz", "Xatirə", "İradə", "Elnarə", "Arzu", "Aydan", "Ayan",
	"Aysu", "Ülviyyə", "Vəfa", "Röya", "Sevil", "Səidə", "Zərifə", "Nurlana", "Sona", "Kəmalə", "Səma",
}

// The first 11 boys' and 16 girls' names are the newborn top lists; they
// are drawn more often, the more so for children born lately.
const topBoys, topGirls = 11, 16

// ovSurnames are the masculine forms of the -ov/-yev surnames, most
// frequent first.
var ovSurnames = []string{
	"Məmmədov", "Əliyev", "Hüseynov", "Həsənov", "Quliyev", "İsmayılov", "Əhmədov", "Abdullayev", "Abbasov",
	"Cəfərov", "Kərimov", "Qasımov", "Süleymanov", "Mahmudov", "Bayramov", "Sultanov", "Qurbanov", "Rəhimov",
	"Xəlilov", "Əmirov", "Əsgərov", "Orucov", "Bağırov", "Şükürov", "Nərimanov", "Talıbov", "Yaqubov",
	"Sadıqov", "Qafarov", "Axundov", "Camalov", "Vəzirov", "Cəbrayılov", "Hümmətov", "Eminov", "Pənahov",
	"Şamilov", "Gözəlov", "Fərəcov", "Rövşənov", "İbrahimov", "Mirəhmədov", "Aslanov", "Səlimov", "Nəzirov",
	"Nəsibov", "Şərifov", "Rəhmanov", "Babayev", "Əfəndiyev", "Əkbərov", "Vəliyev", "Ağayev", "Musabəyov",
	"Hacıbəyov", "İbrahimbəyov", "Əlibəyov", "Bakıxanov",
}

// neutralSurnames are the same for men and women.
var neutralSurnames = []string{
	"Əlizadə", "Həsənzadə", "Məmmədzadə", "Abbaszadə", "Tağızadə", "Rəsulzadə", "Məmmədquluzadə", "Məmmədli",
	"Hüseynli", "Səfərli", "Kərimli", "Cabbarlı", "Qurbanlı", "Əhmədli", "Heydərli", "Rəhimli", "İbrahimli",
	"Sultanlı", "Abbaslı", "Əsgərli", "Nəsirli", "Əlibəyli", "Hacıbəyli", "Şükürlü", "Uğurlu",
}

// surnameFor returns a surname in the form for sex: the -ov/-yev surnames
// add -a for a woman ("Məmmədova", "Əliyeva"); the others do not change.
func surnameFor(masculine, sex string) string {
	if sex == "female" && (strings.HasSuffix(masculine, "ov") || strings.HasSuffix(masculine, "ev")) {
		return masculine + "a"
	}
	return masculine
}

// patronymic is the father's given name followed by oğlu (son) or qızı
// (daughter).
func patronymic(fatherGiven, sex string) string {
	if sex == "female" {
		return fatherGiven + " qızı"
	}
	return fatherGiven + " oğlu"
}

// drawSurname returns a masculine surname: three in four in -ov/-yev,
// weighted towards the frequent ones.
func drawSurname(r *rand.Rand) string {
	if r.IntN(4) == 0 {
		return neutralSurnames[r.IntN(len(neutralSurnames))]
	}
	// The square skews the draw towards the head of the list.
	f := r.Float64()
	return ovSurnames[int(f*f*float64(len(ovSurnames)))]
}

// givenName draws a given name for sex, avoiding the names in taken (the
// siblings'); recent reports the child was born in the last decade, when
// the top names were given most.
func givenName(r *rand.Rand, sex string, recent bool, taken []string) string {
	list, top := boysNames, topBoys
	if sex == "female" {
		list, top = girlsNames, topGirls
	}
	for range 20 {
		var n string
		if recent && r.IntN(2) == 0 {
			n = list[r.IntN(top)]
		} else {
			n = list[r.IntN(len(list))]
		}
		if !contains(taken, n) {
			return n
		}
	}
	return list[r.IntN(len(list))]
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// person is an adult the population refers to: a parent, guardian,
// payer or applicant.
type person struct {
	fin   string
	sex   string
	name  category.PersonName
	birth category.Date
	phone string
}

// newAdult returns an adult of sex with the given masculine family name
// (drawn when empty) and a patronymic from a drawn father's name.
func (g *gen) newAdult(sex, familyMasc string, birth category.Date, region string) *person {
	if familyMasc == "" {
		familyMasc = drawSurname(g.r)
	}
	return &person{
		fin: g.ids.fin(), sex: sex, birth: birth, phone: g.mobile(region),
		name: category.PersonName{
			Given:      givenName(g.r, sex, false, nil),
			Family:     surnameFor(familyMasc, sex),
			Patronymic: patronymic(boysNames[g.r.IntN(len(boysNames))], sex),
		},
	}
}

// Foreign names of unaccompanied children, by country of origin.
type foreignNames struct {
	country             string
	boys, girls, family []string
}

var foreigners = []foreignNames{
	{"AFG", []string{"Əhməd", "Məhəmməd", "Fərid", "Həmid", "Rəhim"}, []string{"Fatimə", "Məryəm", "Zəhra", "Pərisa"}, []string{"Rəhimi", "Əhmədi", "Kərimi", "Nuri", "Həkimi"}},
	{"IRN", []string{"Rza", "Əli", "Əmir", "Hüseyn", "Mehdi"}, []string{"Zəhra", "Fatimə", "Sara", "Nərgiz"}, []string{"Hüseyni", "Məhəmmədi", "Rzai", "Mürədi"}},
	{"IRQ", []string{"Ömər", "Əhməd", "Yusif", "Xalid"}, []string{"Aişə", "Lina", "Nur"}, []string{"Əl-Həsən", "Xəlil", "Əl-Cuburi"}},
	{"SYR", []string{"Ömər", "Xalid", "Sami", "Yusif"}, []string{"Lina", "Nur", "Rəşa"}, []string{"Həddad", "Şami", "Əl-Əsəd"}},
	{"GEO", []string{"Giorgi", "Luka", "Nika", "Davit"}, []string{"Nino", "Mariam", "Ana"}, []string{"Beridze", "Kapanadze", "Gelaşvili"}},
	{"PAK", []string{"Bilal", "Hamza", "Usman"}, []string{"Ayşa", "Hina", "Sana"}, []string{"Xan", "Məlik", "Qureyşi"}},
}
