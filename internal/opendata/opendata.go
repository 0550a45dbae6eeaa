// Package opendata is the public module (regulation §3.2.4, §8.1.1): open
// statistics on children, by year, for everyone and without login —
// children by region, age band and sex, and by region for the categories
// the public asks about — with every count below Threshold suppressed and
// complementary suppression across all the tables of a year, so that no
// suppressed count can be recomputed from what is published.
//
// What "children in year Y" means is fixed here, once: see Years and
// Count.
package opendata

import (
	"fmt"
	"strconv"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/classifier"
	"github.com/scfwca/databank/internal/i18n"
)

// Item is one value of a dimension: a region, an age band, a sex, a
// category.
type Item struct {
	Code  string    `json:"code"`
	Title i18n.Text `json:"title"`
}

// Dimension is what the rows or the columns of a dataset are.
type Dimension struct {
	ID    string    `json:"id"`
	Title i18n.Text `json:"title"`
}

// The dimensions.
var (
	DimRegion   = Dimension{"region", i18n.T("İqtisadi rayon", "Economic region", "Экономический район")}
	DimAgeBand  = Dimension{"age_band", i18n.T("Yaş qrupu", "Age band", "Возрастная группа")}
	DimSex      = Dimension{"sex", i18n.T("Cins", "Sex", "Пол")}
	DimCategory = Dimension{"category", i18n.T("Məlumat kateqoriyası", "Category of data", "Категория данных")}
)

// Dataset is one table of open statistics, published for every year.
type Dataset struct {
	ID          string
	Title       i18n.Text
	Description i18n.Text
	Rows, Cols  Dimension
	// Additive tells whether a row total is the sum of its row. It is not
	// in the category dataset, where a child may be in several
	// categories or none and the row total is all the region's children.
	Additive bool
}

// The datasets, in the order of the catalogue.
var (
	ByRegionAge = &Dataset{ID: "children-by-region-and-age", Rows: DimRegion, Cols: DimAgeBand, Additive: true,
		Title: i18n.T("Uşaqlar iqtisadi rayonlar və yaş qrupları üzrə", "Children by economic region and age band", "Дети по экономическим районам и возрастным группам"),
		Description: i18n.T("İlin sonunda (cari il üçün bu günə) 18 yaşına çatmamış uşaqların sayı, yaşadıqları iqtisadi rayon və yaş qrupu üzrə.",
			"Children under 18 at the end of the year (today for the current year), by the economic region they live in and their age band.",
			"Число детей до 18 лет на конец года (для текущего года — на сегодня) по экономическому району проживания и возрастной группе.")}
	ByRegionSex = &Dataset{ID: "children-by-region-and-sex", Rows: DimRegion, Cols: DimSex, Additive: true,
		Title: i18n.T("Uşaqlar iqtisadi rayonlar və cins üzrə", "Children by economic region and sex", "Дети по экономическим районам и полу"),
		Description: i18n.T("İlin sonunda (cari il üçün bu günə) 18 yaşına çatmamış uşaqların sayı, iqtisadi rayon və cins üzrə.",
			"Children under 18 at the end of the year (today for the current year), by economic region and sex.",
			"Число детей до 18 лет на конец года (для текущего года — на сегодня) по экономическому району и полу.")}
	ByAgeSex = &Dataset{ID: "children-by-age-and-sex", Rows: DimAgeBand, Cols: DimSex, Additive: true,
		Title: i18n.T("Uşaqlar yaş qrupları və cins üzrə", "Children by age band and sex", "Дети по возрастным группам и полу"),
		Description: i18n.T("Ölkə üzrə 18 yaşına çatmamış uşaqların sayı, yaş qrupu və cins üzrə.",
			"Children under 18 in the whole country, by age band and sex.",
			"Число детей до 18 лет по всей стране по возрастной группе и полу.")}
	ByRegionCategory = &Dataset{ID: "children-by-region-and-category", Rows: DimRegion, Cols: DimCategory, Additive: false,
		Title: i18n.T("Uşaqlar iqtisadi rayonlar və əsas kateqoriyalar üzrə", "Children by economic region and key category", "Дети по экономическим районам и основным категориям"),
		Description: i18n.T("Hər iqtisadi rayonda ilin sonunadək bu kateqoriyada qüvvədə olan məlumatı olan uşaqların sayı. Uşaq bir neçə kateqoriyada ola bilər: sətir cəmi rayonun bütün uşaqlarıdır, xanaların cəmi deyil.",
			"Children in each economic region with data of the category in force by the end of the year. A child may be in several categories: the row total is all the region's children, not the sum of the row.",
			"Число детей в каждом экономическом районе, по которым к концу года действуют данные категории. Ребёнок может входить в несколько категорий: итог строки — все дети района, а не сумма строки.")}
)

// Datasets returns every dataset, in the order of the catalogue.
func Datasets() []*Dataset { return []*Dataset{ByRegionAge, ByRegionSex, ByAgeSex, ByRegionCategory} }

// Lookup returns the dataset with the given id.
func Lookup(id string) (*Dataset, bool) {
	for _, d := range Datasets() {
		if d.ID == id {
			return d, true
		}
	}
	return nil, false
}

// AgeBand is a range of ages in whole years, both ends included.
type AgeBand struct {
	Code     string
	From, To int
}

// AgeBands are the age bands every report of the Data Bank uses.
var AgeBands = []AgeBand{{"0-2", 0, 2}, {"3-5", 3, 5}, {"6-9", 6, 9}, {"10-13", 10, 13}, {"14-17", 14, 17}}

// bandOf returns the index of the band of an age, or -1 outside 0–17.
func bandOf(age int) int {
	for i, b := range AgeBands {
		if age >= b.From && age <= b.To {
			return i
		}
	}
	return -1
}

// KeyCategories are the categories of the electronic profile the public
// module counts: schooling and special education, the care of children
// without parental care, the family's targeted social assistance,
// pensions and benefits (disability benefits among them), and offences
// against and by children.
var KeyCategories = []*category.Category{category.CatSchooling, category.CatSpecialEducation,
	category.CatParentalCareRegistry, category.CatGuardianship, category.CatTargetedSocialAssistance,
	category.CatPensionBenefits, category.CatOffencesAgainstChild, category.CatOffencesByChild}

// Unknown is the code of the row or column of children whose region or
// sex is not recorded. It is shown only in a year when it counts someone.
const Unknown = "unknown"

var unknownTitle = i18n.T("Göstərilməyib", "Not recorded", "Не указано")

// regions are the rows of the region dimension: every economic region,
// retired ones too (dropped when empty), then the unknown.
func regions() []classifier.Item { return classifier.Regions.AllItems() }

// sexes are the columns of the sex dimension, then the unknown.
func sexes() []classifier.Item { return classifier.Sexes.AllItems() }

// Year is one year of statistics and the day it is counted on.
type Year struct {
	Year int
	// AsOf is the reference day: 31 December, or today in the current
	// year, which is then Provisional.
	AsOf        category.Date
	Provisional bool
}

// String is the year as the API's parameter writes it.
func (y Year) String() string { return strconv.Itoa(y.Year) }

// MaxYears is how many years back the module publishes.
const MaxYears = 10

// Years are the years published on day today when the Data Bank received
// its first record in the year first (0: none yet): from that year — the
// registry knows nothing of the children of earlier years — but at most
// MaxYears, to the current year.
func Years(first int, today category.Date) []Year {
	if first == 0 || first > today.Year {
		first = today.Year
	}
	first = max(first, today.Year-MaxYears+1)
	var out []Year
	for y := first; y < today.Year; y++ {
		out = append(out, Year{Year: y, AsOf: category.MustDate(fmt.Sprintf("%04d-12-31", y))})
	}
	return append(out, Year{Year: today.Year, AsOf: today, Provisional: true})
}

// Counts are the children of one year, counted: by region, age band and
// sex, and by region for each key category. Regions and Sexes end with
// Unknown.
type Counts struct {
	Year             Year
	Regions, Sexes   []Item
	Children         [][][]int // [region][age band][sex]
	WithCategory     [][]int   // [key category][region]
	retired          map[string]bool
	regionIx, sexIdx map[string]int
}

// NewCounts returns empty counts for a year.
func NewCounts(y Year) *Counts {
	c := &Counts{Year: y, retired: map[string]bool{}, regionIx: map[string]int{}, sexIdx: map[string]int{}}
	for _, it := range regions() {
		c.regionIx[it.Code] = len(c.Regions)
		c.Regions = append(c.Regions, Item{it.Code, it.Name})
		c.retired[it.Code] = classifier.Regions.Retired(it.Code)
	}
	c.regionIx[Unknown] = len(c.Regions)
	c.Regions = append(c.Regions, Item{Unknown, unknownTitle})
	for _, it := range sexes() {
		c.sexIdx[it.Code] = len(c.Sexes)
		c.Sexes = append(c.Sexes, Item{it.Code, it.Name})
	}
	c.sexIdx[Unknown] = len(c.Sexes)
	c.Sexes = append(c.Sexes, Item{Unknown, unknownTitle})
	c.Children = make([][][]int, len(c.Regions))
	for r := range c.Children {
		c.Children[r] = make([][]int, len(AgeBands))
		for a := range AgeBands {
			c.Children[r][a] = make([]int, len(c.Sexes))
		}
	}
	c.WithCategory = make([][]int, len(KeyCategories))
	for k := range KeyCategories {
		c.WithCategory[k] = make([]int, len(c.Regions))
	}
	return c
}

// region is the row of a region code; codes not in the classifier count as
// unknown.
func (c *Counts) region(code string) int {
	if i, ok := c.regionIx[code]; ok {
		return i
	}
	return c.regionIx[Unknown]
}

func (c *Counts) sex(code string) int {
	if i, ok := c.sexIdx[code]; ok {
		return i
	}
	return c.sexIdx[Unknown]
}

// Age is a child's age on the year's reference day, from its year of
// birth and whether its birthday in the reference day's year has come by
// then (always, on 31 December).
func (c *Counts) Age(birthYear int, birthdayPassed bool) int {
	age := c.Year.AsOf.Year - birthYear
	if !birthdayPassed && c.Year.Provisional {
		age--
	}
	return age
}

// AddChildren counts n children born in birthYear (birthday passed or not
// by the reference day), of a sex, living in a region. Children not yet
// born or already 18 on the reference day are not counted.
func (c *Counts) AddChildren(birthYear int, birthdayPassed bool, region, sex string, n int) {
	if b := bandOf(c.Age(birthYear, birthdayPassed)); b >= 0 {
		c.Children[c.region(region)][b][c.sex(sex)] += n
	}
}

// AddCategory counts n children of a region with the key category k, born
// as AddChildren says.
func (c *Counts) AddCategory(k int, birthYear int, birthdayPassed bool, region string, n int) {
	if bandOf(c.Age(birthYear, birthdayPassed)) >= 0 {
		c.WithCategory[k][c.region(region)] += n
	}
}

// RegionTotal is the children of region r.
func (c *Counts) RegionTotal(r int) int {
	n := 0
	for a := range AgeBands {
		for s := range c.Sexes {
			n += c.Children[r][a][s]
		}
	}
	return n
}
