// Package annual holds the annual reports of the participants on the state
// of children's rights (regulation §3.2.3): the forms the operator defines
// each year, the values a participant reports on them and their
// validation, the way a report goes from draft to submitted to accepted or
// returned, the deadline with its lateness, lock and reopening, the
// reminders before it, the reporting rate and the consolidated national
// report beside the figures the Data Bank computes itself.
package annual

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
)

// The types of an indicator.
const (
	Integer = "integer"
	Decimal = "decimal"
	Percent = "percent"
	Boolean = "boolean"
	TextT   = "text"
	Choice  = "choice"
)

var types = []string{Integer, Decimal, Percent, Boolean, TextT, Choice}

// Form is a year's report form: sections of indicators. A section whose
// indicators are text is a narrative section.
type Form struct {
	Title    i18n.Text `json:"title"`
	Sections []Section `json:"sections"`
}

// Section is a titled group of indicators.
type Section struct {
	Code       string      `json:"code"`
	Title      i18n.Text   `json:"title"`
	Indicators []Indicator `json:"indicators"`
}

// Indicator is one value the participant reports.
type Indicator struct {
	Code     string    `json:"code"`
	Label    i18n.Text `json:"label"`
	Type     string    `json:"type"`
	Required bool      `json:"required,omitempty"`
	Min      *float64  `json:"min,omitempty"`
	Max      *float64  `json:"max,omitempty"`
	// MaxLength bounds a text, in characters; 10,000 when zero.
	MaxLength int      `json:"max_length,omitempty"`
	Choices   []Option `json:"choices,omitempty"`
	// Computed names the measure the Data Bank computes for the year,
	// shown beside the value reported.
	Computed string `json:"computed,omitempty"`
}

// Option is a choice of a choice indicator.
type Option struct {
	Code  string    `json:"code"`
	Label i18n.Text `json:"label"`
}

// Indicators returns every indicator of the form, in order.
func (f *Form) Indicators() []Indicator {
	var out []Indicator
	for _, s := range f.Sections {
		out = append(out, s.Indicators...)
	}
	return out
}

// Indicator returns the indicator with a code.
func (f *Form) Indicator(code string) (Indicator, bool) {
	for _, s := range f.Sections {
		for _, in := range s.Indicators {
			if in.Code == code {
				return in, true
			}
		}
	}
	return Indicator{}, false
}

// Measure is a figure the Data Bank computes for a year.
type Measure struct {
	Code  string
	Label i18n.Text
}

// Measures are the figures the Data Bank computes, over the children
// under 18 on 31 December of the year in the participant's scope: its
// district for a commission, the whole country otherwise.
var Measures = []Measure{
	{"children_total", i18n.T("Uşaqların sayı", "Children", "Число детей")},
	{"children_disability", i18n.T("Əlilliyi olan uşaqlar", "Children with a disability", "Дети с инвалидностью")},
	{"children_in_care", i18n.T("Dövlət və ya alternativ qayğıda olan uşaqlar", "Children in state or alternative care", "Дети на государственном или альтернативном попечении")},
	{"school_age_no_schooling", i18n.T("Təhsil qeydi olmayan məktəb yaşlı uşaqlar", "School-age children with no schooling record", "Дети школьного возраста без записи об обучении")},
	{"offences_against_children", i18n.T("İl ərzində barəsində hüquqpozma qeydə alınan uşaqlar", "Children with an offence against them recorded in the year", "Дети, в отношении которых за год зарегистрировано правонарушение")},
	{"offences_by_children", i18n.T("İl ərzində hüquqpozma törədən uşaqlar", "Children with an offence by them recorded in the year", "Дети, совершившие правонарушение за год")},
	{"minor_mothers", i18n.T("İl ərzində ana olan yetkinlik yaşına çatmayan qızlar", "Minor girls who gave birth in the year", "Несовершеннолетние, родившие за год")},
}

// MeasureByCode returns a measure.
func MeasureByCode(code string) (Measure, bool) {
	for _, m := range Measures {
		if m.Code == code {
			return m, true
		}
	}
	return Measure{}, false
}

var codePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

var (
	msgFormJSON = i18n.T("Forma düzgün JSON deyil", "The form is not valid JSON", "Форма — некорректный JSON")
	msgFormBad  = i18n.T("Formada səhvlər var; hər birini düzəldin", "The form has mistakes; fix each of them", "В форме есть ошибки; исправьте каждую")
)

func fe(field, code string, msg i18n.Text) fault.FieldError {
	return fault.FieldError{Field: field, Code: code, Message: msg}
}

func tf(az, en, ru string, args ...any) i18n.Text {
	return i18n.T(fmt.Sprintf(az, args...), fmt.Sprintf(en, args...), fmt.Sprintf(ru, args...))
}

// ParseForm reads a form from JSON and checks it, naming every wrong
// field: where it is (sections[1].indicators[0].label.ru) and, for an
// indicator, its code.
func ParseForm(raw []byte) (*Form, error) {
	var f Form
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fault.E("annual.ParseForm", fault.Invalid, msgFormJSON,
			fe("form", "malformed_json", tf("Forma düzgün JSON deyil: %s", "The form is not valid JSON: %s", "Форма — некорректный JSON: %s", err.Error())))
	}
	if errs := f.Check(); len(errs) > 0 {
		return nil, fault.E("annual.ParseForm", fault.Invalid, msgFormBad, errs)
	}
	return &f, nil
}

// JSON is the form as indented JSON.
func (f *Form) JSON() string {
	b, _ := json.MarshalIndent(f, "", "  ")
	return string(b)
}

func checkText(path string, t i18n.Text, what string) []fault.FieldError {
	var out []fault.FieldError
	for _, l := range []struct {
		lang string
		s    string
	}{{"az", t.AZ}, {"en", t.EN}, {"ru", t.RU}} {
		if strings.TrimSpace(l.s) == "" {
			out = append(out, fe(path+"."+l.lang, "required",
				tf("%s: %s dilində mətn yoxdur", "%s: the text in %s is missing", "%s: нет текста на языке %s", what, l.lang)))
		} else if utf8.RuneCountInString(l.s) > 500 {
			out = append(out, fe(path+"."+l.lang, "too_long",
				tf("%s: mətn 500 simvoldan uzundur", "%s: the text is longer than 500 characters", "%s: текст длиннее 500 символов", what)))
		}
	}
	return out
}

// Check returns every mistake of the form.
func (f *Form) Check() []fault.FieldError {
	var errs []fault.FieldError
	errs = append(errs, checkText("title", f.Title, "title")...)
	if len(f.Sections) == 0 {
		errs = append(errs, fe("sections", "required", i18n.T("Formada ən azı bir bölmə olmalıdır", "The form needs at least one section", "В форме нужен хотя бы один раздел")))
	}
	seen := map[string]string{}
	n := 0
	for i, s := range f.Sections {
		sp := fmt.Sprintf("sections[%d]", i)
		if !codePattern.MatchString(s.Code) {
			errs = append(errs, fe(sp+".code", "code_invalid", tf("Bölmə %d: kod kiçik latın hərfləri, rəqəmlər və _ ilə yazılır", "Section %d: a code is lower-case Latin letters, digits and _", "Раздел %d: код — строчные латинские буквы, цифры и _", i+1)))
		} else if prev, ok := seen[s.Code]; ok {
			errs = append(errs, fe(sp+".code", "duplicate", tf("%q kodu artıq %s-də işlənib", "The code %q is already used at %s", "Код %q уже использован в %s", s.Code, prev)))
		} else {
			seen[s.Code] = sp
		}
		errs = append(errs, checkText(sp+".title", s.Title, "section "+s.Code)...)
		if len(s.Indicators) == 0 {
			errs = append(errs, fe(sp+".indicators", "required", tf("Bölmə %q: ən azı bir göstərici olmalıdır", "Section %q needs at least one indicator", "Раздел %q: нужен хотя бы один показатель", s.Code)))
		}
		for j, in := range s.Indicators {
			n++
			errs = append(errs, in.check(fmt.Sprintf("%s.indicators[%d]", sp, j), seen)...)
		}
	}
	if n > 500 {
		errs = append(errs, fe("sections", "too_many", i18n.T("Formada 500-dən çox göstərici var", "The form has more than 500 indicators", "В форме более 500 показателей")))
	}
	return errs
}

func (in *Indicator) check(p string, seen map[string]string) []fault.FieldError {
	var errs []fault.FieldError
	name := in.Code
	if name == "" {
		name = p
	}
	bad := func(field, code, az, en, ru string, args ...any) {
		errs = append(errs, fe(p+field, code, tf("Göstərici %s: "+az, "Indicator %s: "+en, "Показатель %s: "+ru, append([]any{name}, args...)...)))
	}
	if !codePattern.MatchString(in.Code) {
		bad(".code", "code_invalid", "kod kiçik latın hərfləri, rəqəmlər və _ ilə yazılır", "a code is lower-case Latin letters, digits and _", "код — строчные латинские буквы, цифры и _")
	} else if prev, ok := seen[in.Code]; ok {
		bad(".code", "duplicate", "kod artıq %s-də işlənib", "the code is already used at %s", "код уже использован в %s", prev)
	} else {
		seen[in.Code] = p
	}
	errs = append(errs, checkText(p+".label", in.Label, "indicator "+name)...)
	known := false
	for _, t := range types {
		known = known || in.Type == t
	}
	if !known {
		bad(".type", "type_invalid", "tip %q deyil; bunlardan biri olmalıdır: %s", "the type %q is not one of %s", "тип %q не входит в %s", in.Type, strings.Join(types, ", "))
	}
	numeric := in.Type == Integer || in.Type == Decimal || in.Type == Percent
	if (in.Min != nil || in.Max != nil) && !numeric && known {
		bad(".min", "not_numeric", "min və max yalnız ədədi göstəricilər üçündür", "min and max apply to numeric indicators only", "min и max — только для числовых показателей")
	}
	if in.Min != nil && in.Max != nil && *in.Min > *in.Max {
		bad(".max", "range_invalid", "max min-dən kiçikdir", "max is below min", "max меньше min")
	}
	if in.Type == Percent {
		if (in.Min != nil && (*in.Min < 0 || *in.Min > 100)) || (in.Max != nil && (*in.Max < 0 || *in.Max > 100)) {
			bad(".max", "range_invalid", "faiz 0 ilə 100 arasındadır", "a percentage lies between 0 and 100", "процент лежит между 0 и 100")
		}
	}
	if in.MaxLength != 0 && (in.Type != TextT || in.MaxLength < 1 || in.MaxLength > 100000) {
		bad(".max_length", "max_length_invalid", "max_length yalnız mətn üçündür, 1-dən 100000-ə qədər", "max_length applies to text only, from 1 to 100000", "max_length — только для текста, от 1 до 100000")
	}
	if in.Type == Choice {
		if len(in.Choices) == 0 {
			bad(".choices", "required", "seçim göstəricisinin variantları olmalıdır", "a choice indicator needs choices", "у показателя с выбором должны быть варианты")
		}
		codes := map[string]bool{}
		for k, o := range in.Choices {
			cp := fmt.Sprintf(".choices[%d]", k)
			if !codePattern.MatchString(o.Code) || codes[o.Code] {
				bad(cp+".code", "code_invalid", "variant kodu %q düzgün deyil və ya təkrarlanır", "the choice code %q is wrong or repeated", "код варианта %q неверен или повторяется", o.Code)
			}
			codes[o.Code] = true
			errs = append(errs, checkText(p+cp+".label", o.Label, "indicator "+name+" choice "+o.Code)...)
		}
	} else if len(in.Choices) > 0 && known {
		bad(".choices", "not_choice", "variantlar yalnız seçim göstəricisi üçündür", "choices apply to a choice indicator only", "варианты — только для показателя с выбором")
	}
	if in.Computed != "" {
		if _, ok := MeasureByCode(in.Computed); !ok {
			var codes []string
			for _, m := range Measures {
				codes = append(codes, m.Code)
			}
			bad(".computed", "computed_unknown", "%q hesablanan göstərici deyil; bunlardan biri olmalıdır: %s", "%q is not a computed measure; use one of %s", "%q — не вычисляемая мера; используйте одну из %s", in.Computed, strings.Join(codes, ", "))
		} else if in.Type != Integer && in.Type != Decimal {
			bad(".computed", "computed_type", "hesablanan göstərici tam və ya onluq ədəddir", "a computed measure goes with an integer or decimal indicator", "вычисляемая мера — для целого или дробного показателя")
		}
	}
	return errs
}
