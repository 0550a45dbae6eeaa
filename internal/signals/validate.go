package signals

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/scfwca/databank/internal/category"
	"github.com/scfwca/databank/internal/classifier"
	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
)

// The bounds of a rule's period, in months: a check-up gap shorter than a
// month or longer than three years is not a rule anyone means.
const (
	MinMonths = 1
	MaxMonths = 36
)

// maxName is the longest a rule's name may be, in characters, in any
// language.
const maxName = 200

// orgCode is the form of the code of a participant other than a
// commission: lower-case ASCII letters, digits and underscores.
var orgCode = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// Validation codes of this package, beyond those of category.Problem.
var messages = map[string]i18n.Text{
	"participant_code": i18n.T(
		"Qurumun kodu (məs. education, commission.sabail) və ya commission olmalıdır",
		"Must be a participant's code (e.g. education, commission.sabail) or commission",
		"Должно быть кодом участника (напр. education, commission.sabail) или commission"),
	"no_period": i18n.T(
		"Bu qaydanın müddəti yoxdur; sahəni boş saxlayın",
		"This rule has no period; leave it empty",
		"У этого правила нет срока; оставьте поле пустым"),
}

func problem(field, code string) fault.FieldError {
	return fault.FieldError{Field: field, Code: code, Message: messages[code]}
}

// Validate checks a rule edited by the operator: a known code, a name in
// Azerbaijani (English and Russian may fall back to it) of at most 200
// characters in each language, Responsible a participant code or
// "commission", and Months from MinMonths to MaxMonths for a rule with a
// period and 0 for any other. It returns an error of kind fault.Invalid
// naming every wrong field by its JSON name.
func Validate(r Rule) error {
	var errs []fault.FieldError
	d, known := lookup(r.Code)
	if !known {
		errs = append(errs, category.Problem("code", "one_of", strings.Join(Codes(), ", ")))
	}
	if strings.TrimSpace(r.Name.AZ) == "" {
		errs = append(errs, category.Problem("name.az", "required"))
	}
	for _, n := range []struct{ field, text string }{{"name.az", r.Name.AZ}, {"name.en", r.Name.EN}, {"name.ru", r.Name.RU}} {
		if utf8.RuneCountInString(n.text) > maxName {
			errs = append(errs, category.Problem(n.field, "too_long", maxName))
		}
	}
	switch {
	case r.Responsible == "":
		errs = append(errs, category.Problem("responsible", "required"))
	case !ValidResponsible(r.Responsible):
		errs = append(errs, problem("responsible", "participant_code"))
	}
	switch {
	case !known:
	case d.months == 0 && r.Months != 0:
		errs = append(errs, problem("months", "no_period"))
	case d.months > 0 && r.Months < MinMonths:
		errs = append(errs, category.Problem("months", "min", MinMonths))
	case d.months > 0 && r.Months > MaxMonths:
		errs = append(errs, category.Problem("months", "max", MaxMonths))
	}
	if len(errs) > 0 {
		return fault.E("signals.Validate", fault.Invalid, errs)
	}
	return nil
}

// ValidResponsible reports whether s may stand as a rule's Responsible:
// "commission" (the commission of the child's district), the commission
// of a known district ("commission.sabail"), or the code of any other
// participant (lower-case letters, digits and underscores, such as
// "education" or "operator").
func ValidResponsible(s string) bool {
	if s == responsibleCommission {
		return true
	}
	if district, ok := strings.CutPrefix(s, responsibleCommission+"."); ok {
		return classifier.Districts.Has(district)
	}
	return orgCode.MatchString(s)
}
