package classifier

import "github.com/scfwca/databank/internal/i18n"

// OffenceDecisions is the classifier of the outcomes of a case about an
// offence committed by a child.
var OffenceDecisions = newList("offence_decision", i18n.T("Qərar", "Decision", "Решение"), nil,
	item("under_investigation", "Araşdırma gedir", "Under investigation", "Идёт расследование"),
	item("case_dismissed", "İşə xitam verilib", "Case dismissed", "Дело прекращено"),
	item("acquitted", "Bəraət verilib", "Acquitted", "Оправдан"),
	item("convicted_suspended", "Şərti məhkum edilib", "Convicted, suspended sentence", "Осуждён условно"),
	item("convicted_custodial", "Azadlıqdan məhrum etmə cəzasına məhkum edilib", "Convicted, custodial sentence", "Осуждён к лишению свободы"),
	item("convicted_fine", "Cərimə cəzasına məhkum edilib", "Convicted, fine", "Осуждён к штрафу"),
	item("educational_measures",
		"Cəza əvəzinə tərbiyəvi xarakterli məcburi tədbirlər tətbiq edilib",
		"Compulsory educational measures instead of punishment",
		"Применены принудительные меры воспитательного воздействия вместо наказания"),
	item("released_amnesty", "Amnistiya aktı ilə azad edilib", "Released under an amnesty", "Освобождён по амнистии"),
)

// EducationalMeasureTypes is the classifier of compulsory educational
// measures imposed on a minor instead of punishment (Criminal Code, art. 88),
// and placement in a special closed educational institution.
var EducationalMeasureTypes = newList("educational_measure", i18n.T("Tərbiyəvi xarakterli məcburi tədbir", "Compulsory educational measure", "Принудительная мера воспитательного воздействия"), nil,
	item("warning", "Xəbərdarlıq", "Warning", "Предупреждение"),
	item("transfer_to_parents_supervision",
		"Valideynlərin, onları əvəz edən şəxslərin və ya ixtisaslaşdırılmış dövlət orqanının nəzarətinə verilmə",
		"Placement under the supervision of the parents, persons in their place or a specialised state body",
		"Передача под надзор родителей, лиц, их заменяющих, или специализированного государственного органа"),
	item("obligation_to_make_amends",
		"Vurulmuş zərəri aradan qaldırmaq vəzifəsinin qoyulması",
		"Obligation to make good the harm caused",
		"Возложение обязанности загладить причинённый вред"),
	item("leisure_restriction",
		"Asudə vaxtın məhdudlaşdırılması və davranışa xüsusi tələblərin qoyulması",
		"Restriction of leisure and special requirements on behaviour",
		"Ограничение досуга и установление особых требований к поведению"),
	item("special_closed_institution",
		"Qapalı tipli xüsusi təlim-tərbiyə müəssisəsinə yerləşdirmə",
		"Placement in a special closed educational institution",
		"Помещение в специальное учебно-воспитательное учреждение закрытого типа"),
)
