package annual

import (
	"github.com/scfwca/databank/internal/i18n"
	"github.com/scfwca/databank/internal/participant"
)

func num(f float64) *float64 { return &f }

func ind(code, typ string, required bool, label i18n.Text) Indicator {
	in := Indicator{Code: code, Type: typ, Required: required, Label: label}
	if typ == Integer || typ == Decimal {
		in.Min = num(0)
	}
	return in
}

func computed(code, measure string, label i18n.Text) Indicator {
	in := ind(code, Integer, true, label)
	in.Computed = measure
	return in
}

var narrative = Section{Code: "narrative", Title: i18n.T("Təsviri hissə", "Narrative", "Описательная часть"), Indicators: []Indicator{
	ind("achievements", TextT, true, i18n.T("İlin əsas nailiyyətləri", "The year's main achievements", "Основные достижения года")),
	ind("problems", TextT, true, i18n.T("Əsas problemlər və onların səbəbləri", "The main problems and their causes", "Основные проблемы и их причины")),
	ind("proposals", TextT, false, i18n.T("Təkliflər", "Proposals", "Предложения")),
}}

var title = i18n.T("Uşaq hüquqlarının həyata keçirilməsinin vəziyyəti haqqında illik hesabat",
	"Annual report on the state of children's rights", "Годовой отчёт о состоянии прав детей")

// Default returns the form to start from for a participant of a kind:
// figures (several computed by the Data Bank), measures and the narrative.
func Default(kind string) *Form {
	if kind == participant.KindCommission {
		return &Form{Title: title, Sections: []Section{
			{Code: "figures", Title: i18n.T("Rəqəmlər", "Figures", "Цифры"), Indicators: []Indicator{
				ind("cases_considered", Integer, true, i18n.T("Baxılan işlər", "Cases considered", "Рассмотренные дела")),
				ind("guardianship_decisions", Integer, true, i18n.T("Qəyyumluq və himayə barədə qərarlar", "Decisions on guardianship and custody", "Решения об опеке и попечительстве")),
				computed("children_total", "children_total", i18n.T("Rayonda uşaqların sayı", "Children in the district", "Число детей в районе")),
				computed("children_in_care", "children_in_care", i18n.T("Qayğıda olan uşaqlar", "Children in care", "Дети на попечении")),
				computed("no_schooling", "school_age_no_schooling", i18n.T("Təhsil almayan məktəb yaşlı uşaqlar", "School-age children not in school", "Дети школьного возраста вне школы")),
				computed("offences_against", "offences_against_children", i18n.T("Barəsində hüquqpozma qeydə alınan uşaqlar", "Children with an offence against them", "Дети, в отношении которых совершено правонарушение")),
				ind("resolved_share", Percent, false, i18n.T("Həll olunmuş müraciətlərin payı", "Share of appeals resolved", "Доля решённых обращений")),
			}},
			{Code: "measures", Title: i18n.T("Tədbirlər", "Measures", "Меры"), Indicators: []Indicator{
				ind("action_plan", Boolean, true, i18n.T("Uşaq hüquqları üzrə fəaliyyət planı qüvvədə idi", "An action plan on children's rights was in force", "Действовал план действий по правам детей")),
				ind("meetings", Integer, false, i18n.T("Komissiyanın iclasları", "Meetings of the commission", "Заседания комиссии")),
			}},
			narrative,
		}}
	}
	area := Indicator{Code: "main_area", Type: Choice, Required: true,
		Label: i18n.T("Fəaliyyətin əsas sahəsi", "Main area of work", "Основная область деятельности"),
		Choices: []Option{
			{"education", i18n.T("Təhsil", "Education", "Образование")},
			{"health", i18n.T("Səhiyyə", "Health", "Здравоохранение")},
			{"social_protection", i18n.T("Sosial müdafiə", "Social protection", "Социальная защита")},
			{"justice", i18n.T("Ədalət mühakiməsi", "Justice", "Правосудие")},
			{"other", i18n.T("Digər", "Other", "Другое")},
		}}
	return &Form{Title: title, Sections: []Section{
		{Code: "figures", Title: i18n.T("Rəqəmlər", "Figures", "Цифры"), Indicators: []Indicator{
			ind("children_served", Integer, true, i18n.T("İl ərzində xidmət göstərilən uşaqlar", "Children served in the year", "Дети, получившие услуги за год")),
			computed("children_total", "children_total", i18n.T("Uşaqların sayı (18 yaşadək)", "Children (under 18)", "Число детей (до 18 лет)")),
			computed("children_disability", "children_disability", i18n.T("Əlilliyi olan uşaqlar", "Children with a disability", "Дети с инвалидностью")),
			computed("children_in_care", "children_in_care", i18n.T("Qayğıda olan uşaqlar", "Children in care", "Дети на попечении")),
			ind("programmes", Integer, true, i18n.T("Uşaqlar üçün proqram və tədbirlər", "Programmes and measures for children", "Программы и меры для детей")),
			ind("spending", Decimal, false, i18n.T("Uşaqlara xərclənən vəsait, min manat", "Spent on children, thousand manat", "Расходы на детей, тыс. манатов")),
			ind("budget_share", Percent, false, i18n.T("Büdcədə uşaqlara xərclərin payı", "Share of the budget spent on children", "Доля бюджета, потраченная на детей")),
		}},
		{Code: "measures", Title: i18n.T("Tədbirlər", "Measures", "Меры"), Indicators: []Indicator{
			ind("action_plan", Boolean, true, i18n.T("Uşaq hüquqları üzrə fəaliyyət planı qüvvədə idi", "An action plan on children's rights was in force", "Действовал план действий по правам детей")),
			area,
		}},
		narrative,
	}}
}
