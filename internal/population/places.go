package population

import (
	"fmt"
	"math/rand/v2"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/classifier"
)

// Places: families are spread over the economic regions in proportion to
// their population (classifier.RegionShare) and evenly over the districts
// of a region; addresses, phones and the names of the local schools,
// clinics, courts and police follow the district.

// place is one district with what the generator needs of it.
type place struct {
	code, region string
	name         string // Azerbaijani name of the district
	city         bool   // a city of republican subordination
	postal       int    // first postal code of the district
}

// regionCum are the regions in classifier order with the cumulative shares.
var (
	regionCodes []string
	regionCum   []float64
	regionTotal float64
	districtsOf = map[string][]place{}
	placeByCode = map[string]place{}
)

// cityDistricts are the districts that are cities (their bodies are "şəhər"
// bodies, not "rayon" ones).
var cityDistricts = []string{"ganca", "sumqayit", "mingacevir", "sirvan", "naftalan", "xankandi", "lankaran", "saki", "yevlax", "naxcivan"}

func init() {
	n := 0
	for _, r := range classifier.Regions.Codes() {
		regionTotal += classifier.RegionShare(r)
		regionCodes = append(regionCodes, r)
		regionCum = append(regionCum, regionTotal)
		for _, it := range classifier.Districts.Children(r) {
			p := place{code: it.Code, region: r, name: it.Name.AZ, city: contains(cityDistricts, it.Code)}
			if r == "baki" {
				p.postal = 1000 + 10*len(districtsOf[r])
			} else {
				p.postal = 2000 + 90*n
				n++
			}
			districtsOf[r] = append(districtsOf[r], p)
			placeByCode[it.Code] = p
		}
	}
}

// drawPlace draws a district: the region by its population share, the
// district evenly within it.
func drawPlace(r *rand.Rand) place {
	x := r.Float64() * regionTotal
	i := 0
	for i < len(regionCum)-1 && x >= regionCum[i] {
		i++
	}
	ds := districtsOf[regionCodes[i]]
	return ds[r.IntN(len(ds))]
}

// unit is the district as the attribute of a body: "Quba rayon", "Gəncə
// şəhər", "Bakı şəhəri Xətai rayon" (… məhkəməsi, … Polis İdarəsi).
func (p place) unit() string {
	switch {
	case p.region == "baki":
		return "Bakı şəhəri " + p.name + " rayon"
	case p.city:
		return p.name + " şəhər"
	}
	return p.name + " rayon"
}

// locality is the district in the genitive: "Quba rayonu", "Gəncə şəhəri",
// "Bakı şəhəri Xətai rayonu" (… qeydiyyat şöbəsi).
func (p place) locality() string {
	if p.city {
		return p.name + " şəhəri"
	}
	return p.unit() + "u"
}

// town is the settlement name of the district's centre.
func (p place) town() string {
	if p.region == "baki" {
		return "Bakı"
	}
	return p.name
}

var villages = []string{"Təzəkənd", "Yenikənd", "Qaraqışlaq", "Güllük", "Bəyli", "Sarıcalı", "Əliabad", "Həsənli", "Qızılca", "Çaylı", "Dəhnə", "Buzovna"}

var streets = []string{
	"Nizami küç.", "Füzuli küç.", "Heydər Əliyev pr.", "Səməd Vurğun küç.", "Xətai pr.", "Azadlıq pr.", "28 May küç.",
	"Neftçilər pr.", "Rəşid Behbudov küç.", "Üzeyir Hacıbəyov küç.", "Cəfər Cabbarlı küç.", "Mikayıl Müşfiq küç.",
	"İstiqlaliyyət küç.", "Bülbül pr.", "Natəvan küç.", "Məhsəti küç.", "Zərifə Əliyeva küç.", "Atatürk pr.",
}

// address draws a home address in the district.
func (p place) address(r *rand.Rand) category.Address {
	a := category.Address{District: p.code, Settlement: p.town(), PostalCode: fmt.Sprintf("AZ%04d", p.postal+r.IntN(10))}
	if p.region != "baki" && !p.city && r.IntN(2) == 0 {
		a.Settlement = villages[r.IntN(len(villages))] + " kəndi"
		a.Street = fmt.Sprintf("ev %d", 1+r.IntN(150))
		return a
	}
	if r.IntN(3) == 0 {
		a.Street = fmt.Sprintf("%s %d", streets[r.IntN(len(streets))], 1+r.IntN(120))
	} else {
		a.Street = fmt.Sprintf("%s %d, m. %d", streets[r.IntN(len(streets))], 1+r.IntN(120), 1+r.IntN(90))
	}
	return a
}

// officeAddress is the address of an institution in the district.
func (p place) officeAddress(r *rand.Rand) category.Address {
	return category.Address{District: p.code, Settlement: p.town(),
		Street: fmt.Sprintf("%s %d", streets[r.IntN(len(streets))], 1+r.IntN(120)), PostalCode: fmt.Sprintf("AZ%04d", p.postal)}
}

// areaCodes are the landline area codes by region.
var areaCodes = map[string]string{
	"baki": "12", "abseron_xizi": "18", "naxcivan": "36", "ganca_daskasan": "22", "qazax_tovuz": "22",
	"lankaran_astara": "25", "saki_zaqatala": "24", "quba_xacmaz": "23", "markazi_aran": "20", "dagliq_sirvan": "20",
	"mil_mugan": "21", "sirvan_salyan": "21", "qarabag": "26", "sarqi_zangazur": "26",
}

// landline draws a landline number in the district's area.
func (p place) landline(r *rand.Rand) string {
	return fmt.Sprintf("+994%s%07d", areaCodes[p.region], 2_000_000+r.IntN(7_000_000))
}

// mobilePrefixes are the mobile operators' prefixes, weighted by share.
var mobilePrefixes = []string{"50", "50", "50", "51", "51", "55", "55", "55", "10", "70", "70", "77", "99", "99"}

// mobile draws a mobile number; in Naxçıvan Naxtel's 60 is common.
func (g *gen) mobile(region string) string {
	pre := mobilePrefixes[g.r.IntN(len(mobilePrefixes))]
	if region == "naxcivan" && g.r.IntN(5) < 2 {
		pre = "60"
	}
	return fmt.Sprintf("+994%s%07d", pre, 2_000_000+g.r.IntN(8_000_000))
}

// school is the family's school: "Bakı şəhəri 132 nömrəli tam orta
// məktəb", "Quba rayonu 5 nömrəli tam orta məktəb".
func (p place) school(r *rand.Rand) string {
	if p.region == "baki" {
		return fmt.Sprintf("Bakı şəhəri %d nömrəli tam orta məktəb", 1+r.IntN(320))
	}
	n := 12
	if p.city {
		n = 40
	}
	return fmt.Sprintf("%s %d nömrəli tam orta məktəb", p.locality(), 1+r.IntN(n))
}

// clinic is the children's clinic of the district.
func (p place) clinic(r *rand.Rand) string {
	switch {
	case p.region == "baki":
		return fmt.Sprintf("Bakı şəhəri %d nömrəli uşaq poliklinikası", 1+r.IntN(30))
	case p.city:
		return fmt.Sprintf("%s %d nömrəli uşaq poliklinikası", p.locality(), 1+r.IntN(4))
	}
	return p.name + " Rayon Mərkəzi Xəstəxanasının uşaq poliklinikası"
}

// registryOffice is the civil registry office of the district.
func (p place) registryOffice() string { return p.locality() + " qeydiyyat şöbəsi" }

// court is the district court.
func (p place) court() string { return p.unit() + " məhkəməsi" }

// police is the district police department.
func (p place) police() string { return p.unit() + " Polis İdarəsi" }

// guardianshipBody is the district's guardianship and custody body.
func (p place) guardianshipBody() string {
	return p.unit() + " İcra Hakimiyyəti, qəyyumluq və himayə orqanı"
}

// commission is the district's commission on minors' affairs.
func (p place) commission() string {
	return p.unit() + " İcra Hakimiyyəti yanında Yetkinlik yaşına çatmayanların işləri və hüquqlarının müdafiəsi üzrə komissiya"
}
