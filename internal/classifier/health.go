package classifier

import "github.com/scfwca/databank/internal/i18n"

// DisabilityDegrees is the classifier of degrees of disability, assessed
// since 1 July 2022 by the percentage of loss of body functions. Whether a
// child is given a degree or only an established disability with a
// percentage is not settled, so the percentage is stored too and the degree
// may be absent.
var DisabilityDegrees = newList("disability_degree", i18n.T("Əlillik dərəcəsi", "Degree of disability", "Степень инвалидности"), nil,
	item("degree_1", "I dərəcə (81–100 %)", "Degree I (81–100 %)", "I степень (81–100 %)"),
	item("degree_2", "II dərəcə (61–80 %)", "Degree II (61–80 %)", "II степень (61–80 %)"),
	item("degree_3", "III dərəcə (31–60 %)", "Degree III (31–60 %)", "III степень (31–60 %)"),
)

// DisabilityDegreeFor returns the code of the degree of disability for a
// percentage of loss of body functions: degree_1 for 81–100, degree_2 for
// 61–80 and degree_3 for 31–60. Below 31 no disability is established, and a
// percentage above 100 is invalid; both give false.
func DisabilityDegreeFor(percent int) (code string, ok bool) {
	switch {
	case percent >= 81 && percent <= 100:
		return "degree_1", true
	case percent >= 61 && percent <= 80:
		return "degree_2", true
	case percent >= 31 && percent <= 60:
		return "degree_3", true
	}
	return "", false
}

// HealthGroups is the classifier of the paediatric health groups I–V used in
// the results of compulsory check-ups.
var HealthGroups = newList("health_group", i18n.T("Sağlamlıq qrupu", "Health group", "Группа здоровья"), nil,
	item("group_1",
		"I qrup: sağlam uşaqlar",
		"Group I: healthy children",
		"I группа: здоровые дети"),
	item("group_2",
		"II qrup: funksional pozğunluqları olan, xəstələnmə riski yüksək sağlam uşaqlar",
		"Group II: healthy children with functional deviations or at risk of disease",
		"II группа: здоровые дети с функциональными отклонениями и риском заболеваний"),
	item("group_3",
		"III qrup: kompensasiya vəziyyətində xroniki xəstəliyi olan uşaqlar",
		"Group III: children with a chronic disease in compensation",
		"III группа: дети с хроническими заболеваниями в состоянии компенсации"),
	item("group_4",
		"IV qrup: subkompensasiya vəziyyətində xroniki xəstəliyi olan uşaqlar",
		"Group IV: children with a chronic disease in subcompensation",
		"IV группа: дети с хроническими заболеваниями в состоянии субкомпенсации"),
	item("group_5",
		"V qrup: dekompensasiya vəziyyətində ağır xroniki xəstəliyi olan və ya əlilliyi olan uşaqlar",
		"Group V: children with a severe chronic disease in decompensation or with a disability",
		"V группа: дети с тяжёлыми хроническими заболеваниями в состоянии декомпенсации или с инвалидностью"),
)
