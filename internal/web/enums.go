package web

import "github.com/scfwca/databank/internal/i18n"

// enumLabels name the values of the categories' plain enumerations (those
// that are not classifiers), keyed by the value's code; a value missing
// here is shown by its code.
var enumLabels = map[string]i18n.Text{
	// Kinds of permit, payment, sports organisation and document.
	"temporary":                     i18n.T("müvəqqəti", "temporary", "временный"),
	"permanent":                     i18n.T("daimi", "permanent", "постоянный"),
	"pension":                       i18n.T("pensiya", "pension", "пенсия"),
	"benefit":                       i18n.T("müavinət", "benefit", "пособие"),
	"sports_school":                 i18n.T("idman məktəbi", "sports school", "спортивная школа"),
	"federation":                    i18n.T("federasiya", "federation", "федерация"),
	"club":                          i18n.T("klub", "club", "клуб"),
	"basic_secondary_certificate":   i18n.T("ümumi orta təhsil haqqında attestat", "basic secondary school certificate", "аттестат об общем среднем образовании"),
	"full_secondary_certificate":    i18n.T("tam orta təhsil haqqında attestat", "full secondary school certificate", "аттестат о полном среднем образовании"),
	"vocational_diploma":            i18n.T("peşə təhsili haqqında diplom", "vocational education diploma", "диплом о профессиональном образовании"),
	"secondary_specialised_diploma": i18n.T("orta ixtisas təhsili haqqında diplom", "secondary specialised education diploma", "диплом о среднем специальном образовании"),
	"bachelor_diploma":              i18n.T("bakalavr diplomu", "bachelor's diploma", "диплом бакалавра"),
	// Who receives a payment or a service.
	"child":    i18n.T("uşaq", "the child", "ребёнок"),
	"mother":   i18n.T("ana", "the mother", "мать"),
	"father":   i18n.T("ata", "the father", "отец"),
	"guardian": i18n.T("qəyyum", "the guardian", "опекун"),
	"family":   i18n.T("ailə", "the family", "семья"),
	// Employment.
	"employed":              i18n.T("işləyir", "employed", "работает"),
	"unemployed":            i18n.T("işsizdir", "unemployed", "безработный"),
	"unemployed_registered": i18n.T("işsiz kimi qeydiyyatdadır", "registered as unemployed", "зарегистрирован как безработный"),
	// Awards.
	"gold":               i18n.T("qızıl medal", "gold medal", "золотая медаль"),
	"silver":             i18n.T("gümüş medal", "silver medal", "серебряная медаль"),
	"bronze":             i18n.T("bürünc medal", "bronze medal", "бронзовая медаль"),
	"diploma":            i18n.T("diplom", "diploma", "диплом"),
	"honourable_mention": i18n.T("tərifnamə", "honourable mention", "похвальная грамота"),
	// A guardian's relation to the child.
	"grandparent":    i18n.T("baba və ya nənə", "grandparent", "дедушка или бабушка"),
	"sibling":        i18n.T("qardaş və ya bacı", "brother or sister", "брат или сестра"),
	"aunt_uncle":     i18n.T("əmi, dayı, xala və ya bibi", "aunt or uncle", "тётя или дядя"),
	"other_relative": i18n.T("digər qohum", "another relative", "другой родственник"),
	"not_related":    i18n.T("qohum deyil", "not a relative", "не родственник"),
	// Why a child is on, or left, the register of children deprived of parental care.
	"orphan":                     i18n.T("yetim", "orphan", "сирота"),
	"parents_deprived_of_rights": i18n.T("valideynlər valideynlik hüquqlarından məhrum edilib", "parents deprived of parental rights", "родители лишены родительских прав"),
	"parents_unknown":            i18n.T("valideynlər məlum deyil", "parents unknown", "родители неизвестны"),
	"parents_incapable":          i18n.T("valideynlər fəaliyyət qabiliyyətsizdir", "parents lack legal capacity", "родители недееспособны"),
	"parents_imprisoned":         i18n.T("valideynlər cəza çəkir", "parents imprisoned", "родители отбывают наказание"),
	"abandoned":                  i18n.T("tərk edilib", "abandoned", "оставлен"),
	"adopted":                    i18n.T("övladlığa götürülüb", "adopted", "усыновлён"),
	"returned_to_family":         i18n.T("ailəyə qaytarılıb", "returned to the family", "возвращён в семью"),
	"guardianship":               i18n.T("qəyyumluğa verilib", "placed under guardianship", "передан под опеку"),
	"came_of_age":                i18n.T("yetkinlik yaşına çatıb", "came of age", "достиг совершеннолетия"),
	"died":                       i18n.T("vəfat edib", "died", "умер"),
	"other":                      i18n.T("digər", "other", "другое"),
}

// enumLabel names an enumeration's value in lang, or returns its code.
func enumLabel(code string, lang i18n.Lang) string {
	if t, ok := enumLabels[code]; ok {
		return t.In(lang)
	}
	return code
}
