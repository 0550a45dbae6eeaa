package classifier

import "github.com/scfwca/databank/internal/i18n"

// BenefitTypes is the classifier of social benefits (Law "Sosial müavinətlər
// haqqında" of 7 February 2006 No. 55-IIIQ, as amended): the monthly benefits,
// the lump-sum ones and the insurance-based maternity benefit. The law's
// monthly disability benefit is split into the benefit for a child under 18
// and the one for an adult, since the Data Bank must tell them apart. Targeted
// state social assistance is a category of its own and not listed here.
// Amounts change often and are not part of the classifier.
var BenefitTypes = newList("benefit_type", i18n.T("Sosial müavinətin növü", "Type of social benefit", "Вид социального пособия"), nil,
	// Monthly benefits.
	item("civil_servant_lifetime",
		"Dövlət qulluqçularına ömürlük müavinət",
		"Lifetime benefit for civil servants",
		"Пожизненное пособие государственным служащим"),
	item("old_age",
		"Yaşa görə müavinət",
		"Old-age benefit",
		"Пособие по возрасту"),
	item("disability",
		"Əlilliyə görə müavinət",
		"Disability benefit",
		"Пособие по инвалидности"),
	item("disability_child",
		"18 yaşınadək əlilliyi olan uşağa görə müavinət",
		"Benefit for a child with a disability under 18",
		"Пособие на ребёнка с инвалидностью до 18 лет"),
	item("loss_of_breadwinner",
		"Ailə başçısını itirməyə görə müavinət",
		"Loss of breadwinner benefit",
		"Пособие по случаю потери кормильца"),
	item("child_care_under_3",
		"3 yaşınadək uşağa qulluğa görə müavinət",
		"Benefit for the care of a child under 3",
		"Пособие по уходу за ребёнком до 3 лет"),
	item("conscript_child",
		"Müddətli həqiqi hərbi xidmət hərbi qulluqçusunun uşağına müavinət",
		"Benefit for a child of a conscript serviceman",
		"Пособие ребёнку военнослужащего срочной действительной военной службы"),
	item("guardian_of_orphan",
		"Valideynlərini itirmiş və valideyn himayəsindən məhrum olmuş uşağın qəyyumuna (himayəçisinə) müavinət",
		"Benefit for the guardian (custodian) of an orphan or a child deprived of parental care",
		"Пособие опекуну (попечителю) ребёнка-сироты или ребёнка, лишённого родительской опеки"),
	item("low_income_infant",
		"1 yaşınadək uşağı olan aztəminatlı ailəyə müavinət",
		"Benefit for a low-income family with a child under 1",
		"Пособие малообеспеченной семье с ребёнком до 1 года"),
	item("former_president_family",
		"Vəfat etmiş keçmiş Prezidentin ailə üzvlərinə müavinət",
		"Benefit for the family members of a deceased former President",
		"Пособие членам семьи умершего бывшего Президента"),
	item("mother_of_many",
		"Beşdən çox uşağı olan qadına müavinət",
		"Benefit for a woman with more than five children",
		"Пособие женщине, имеющей более пяти детей"),
	item("adopted_child",
		"Övladlığa götürülmüş uşağa görə müavinət",
		"Benefit for an adopted child",
		"Пособие на усыновлённого ребёнка"),
	item("foster_family_child",
		"Himayədar ailəyə verilmiş uşağın tərbiyəsinə görə müavinət",
		"Benefit for the upbringing of a child placed in a foster family",
		"Пособие на воспитание ребёнка, переданного в приёмную семью"),
	item("industrial_accident_privatised",
		"Özəlləşdirilmiş müəssisələrdə istehsalat qəzasından zərər çəkmiş şəxslərə müavinət",
		"Benefit for victims of industrial accidents at privatised enterprises",
		"Пособие пострадавшим от несчастных случаев на производстве на приватизированных предприятиях"),

	// Lump-sum benefits.
	item("childbirth_lump_sum",
		"Uşağın anadan olmasına görə birdəfəlik müavinət",
		"Lump-sum benefit on the birth of a child",
		"Единовременное пособие при рождении ребёнка"),
	item("funeral_lump_sum",
		"Dəfn üçün birdəfəlik müavinət",
		"Lump-sum funeral benefit",
		"Единовременное пособие на погребение"),
	item("radiation_treatment_annual",
		"Radiasiya qəzalarından zərər çəkmiş şəxslərə illik müalicə müavinəti",
		"Annual treatment benefit for victims of radiation accidents",
		"Ежегодное пособие на лечение пострадавшим от радиационных аварий"),
	item("released_prisoner_lump_sum",
		"Cəzaçəkmə müəssisəsindən azad edilmiş ehtiyaclı şəxsə birdəfəlik müavinət",
		"Lump-sum benefit for a person in need released from prison",
		"Единовременное пособие нуждающемуся лицу, освобождённому из места лишения свободы"),
	item("liberated_territories_specialist",
		"İşğaldan azad edilmiş ərazilərdə işləyən mütəxəssislərə birdəfəlik müavinət",
		"Lump-sum benefit for specialists working in the liberated territories",
		"Единовременное пособие специалистам, работающим на освобождённых территориях"),
	item("foster_child_seasonal_clothing",
		"Himayədar ailədəki uşağın mövsümi geyimi üçün birdəfəlik müavinət",
		"Lump-sum seasonal clothing benefit for a child in a foster family",
		"Единовременное пособие на сезонную одежду ребёнку в приёмной семье"),

	// Insurance-based benefit.
	item("maternity",
		"Hamiləliyə və doğuşa görə müavinət",
		"Maternity benefit (pregnancy and childbirth)",
		"Пособие по беременности и родам"),
)

// PensionTypes is the classifier of pensions: the three labour pensions (Law
// "Əmək pensiyaları haqqında", 2006), the President's pensions and the social
// benefit paid in lieu of a pension.
var PensionTypes = newList("pension_type", i18n.T("Pensiyanın növü", "Type of pension", "Вид пенсии"), nil,
	item("old_age", "Yaşa görə əmək pensiyası", "Old-age labour pension", "Трудовая пенсия по возрасту"),
	item("disability", "Əlilliyə görə əmək pensiyası", "Disability labour pension", "Трудовая пенсия по инвалидности"),
	item("survivor", "Ailə başçısını itirməyə görə əmək pensiyası", "Survivor's labour pension (loss of breadwinner)", "Трудовая пенсия по случаю потери кормильца"),
	item("presidential", "Azərbaycan Respublikası Prezidentinin təqaüdü", "Pension of the President of the Republic of Azerbaijan", "Пенсия Президента Азербайджанской Республики"),
	item("social", "Pensiya əvəzinə sosial müavinət", "Social benefit in lieu of a pension", "Социальное пособие вместо пенсии"),
)

// SocialServiceTypes is the classifier of social services given to a child
// or the child's parents.
var SocialServiceTypes = newList("social_service_type", i18n.T("Sosial xidmətin növü", "Type of social service", "Вид социальной услуги"), nil,
	item("home_care", "Evdə sosial xidmət", "Social care at home", "Социальное обслуживание на дому"),
	item("day_care", "Gündüz qulluq", "Day care", "Дневной уход"),
	item("residential_care", "Stasionar sosial xidmət", "Residential care", "Стационарное социальное обслуживание"),
	item("shelter", "Sığınacaqda müvəqqəti yerləşdirmə", "Shelter (temporary stay)", "Временное размещение в приюте"),
	item("rehabilitation", "Reabilitasiya", "Rehabilitation", "Реабилитация"),
	item("psychological_support", "Psixoloji dəstək", "Psychological support", "Психологическая поддержка"),
	item("legal_aid", "Hüquqi yardım", "Legal aid", "Юридическая помощь"),
	item("trafficking_victim_rehabilitation", "İnsan alverinin qurbanlarının sosial reabilitasiyası", "Social rehabilitation of victims of human trafficking", "Социальная реабилитация жертв торговли людьми"),
	item("violence_victim_rehabilitation", "Zorakılıqdan zərər çəkmiş şəxslərin sosial reabilitasiyası", "Social rehabilitation of victims of violence", "Социальная реабилитация пострадавших от насилия"),
	item("family_support", "Ailəyə sosial dəstək", "Family support", "Социальная поддержка семьи"),
	item("social_counselling", "Sosial məsləhət", "Social counselling", "Социальное консультирование"),
)

// CareForms is the classifier of the forms of care of a child deprived of
// parental care.
var CareForms = newList("care_form", i18n.T("Qayğı forması", "Form of care", "Форма устройства"), nil,
	item("guardianship", "Qəyyumluq (14 yaşınadək)", "Guardianship (under 14)", "Опека (до 14 лет)"),
	item("custody", "Himayəçilik (14–18 yaş)", "Custody (aged 14–18)", "Попечительство (14–18 лет)"),
	item("foster_family", "Himayədar ailə", "Foster family", "Приёмная семья"),
	item("adoption", "Övladlığa götürmə", "Adoption", "Усыновление (удочерение)"),
	item("institution", "Uşaq müəssisəsi", "Children's institution", "Детское учреждение"),
	item("family_type_home", "Ailə tipli kiçik qrup evi", "Family-type small group home", "Малый групповой дом семейного типа"),
)

// UnaccompaniedPlacements is the classifier of where a child found
// unaccompanied was placed.
var UnaccompaniedPlacements = newList("unaccompanied_placement", i18n.T("Müşayiətsiz uşağın yerləşdirilməsi", "Placement of an unaccompanied child", "Устройство несопровождаемого ребёнка"), nil,
	item("reunited_with_family", "Ailəsinə qaytarılıb", "Reunited with the family", "Возвращён в семью"),
	item("relatives", "Qohumlarına verilib", "Placed with relatives", "Передан родственникам"),
	item("foster_family", "Himayədar ailəyə verilib", "Placed in a foster family", "Передан в приёмную семью"),
	item("shelter", "Sığınacağa yerləşdirilib", "Placed in a shelter", "Помещён в приют"),
	item("institution", "Uşaq müəssisəsinə yerləşdirilib", "Placed in a children's institution", "Помещён в детское учреждение"),
	item("repatriated", "Mənsub olduğu ölkəyə qaytarılıb (repatriasiya)", "Repatriated", "Репатриирован"),
)
