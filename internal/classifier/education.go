package classifier

import "github.com/scfwca/databank/internal/i18n"

// EducationLevels is the classifier of levels of education (Law "Təhsil
// haqqında" of 19 June 2009 No. 833-IIIQ): preschool, the preparatory stage
// and the three levels of general education, the vocational levels,
// secondary specialised education and the three levels of higher education.
var EducationLevels = newList("education_level", i18n.T("Təhsil səviyyəsi", "Level of education", "Уровень образования"), nil,
	item("preschool", "Məktəbəqədər təhsil", "Preschool education", "Дошкольное образование"),
	item("preparatory", "Məktəbə hazırlıq", "Preparation for school (age 5)", "Подготовка к школе (5 лет)"),
	item("primary", "İbtidai təhsil (I–IV siniflər)", "Primary education (grades 1–4)", "Начальное образование (I–IV классы)"),
	item("basic_secondary", "Ümumi orta təhsil (V–IX siniflər)", "Basic secondary education (grades 5–9)", "Общее среднее образование (V–IX классы)"),
	item("full_secondary", "Tam orta təhsil (X–XI siniflər)", "Complete secondary education (grades 10–11)", "Полное среднее образование (X–XI классы)"),
	item("initial_vocational", "İlk peşə təhsili", "Initial vocational education", "Начальное профессиональное образование"),
	item("technical_vocational", "Texniki peşə təhsili", "Technical vocational education", "Техническое профессиональное образование"),
	item("higher_technical_vocational", "Yüksək texniki peşə təhsili", "Higher technical vocational education", "Высшее техническое профессиональное образование"),
	item("secondary_specialised", "Orta ixtisas təhsili", "Secondary specialised education", "Среднее специальное образование"),
	item("bachelor", "Ali təhsil: bakalavriat", "Higher education: bachelor's degree", "Высшее образование: бакалавриат"),
	item("master", "Ali təhsil: magistratura", "Higher education: master's degree", "Высшее образование: магистратура"),
	item("doctorate", "Ali təhsil: doktorantura", "Higher education: doctorate", "Высшее образование: докторантура"),
)

// EducationForms is the classifier of forms of study.
var EducationForms = newList("education_form", i18n.T("Təhsilalma forması", "Form of study", "Форма обучения"), nil,
	item("full_time", "Əyani", "Full-time", "Очная"),
	item("part_time", "Qiyabi", "Part-time (extramural)", "Заочная"),
	item("distance", "Distant (məsafədən) təhsil", "Distance learning", "Дистанционное обучение"),
	item("external", "Sərbəst (eksternat)", "External study", "Экстернат"),
	item("home", "Evdə təhsil", "Home schooling", "Обучение на дому"),
	item("inclusive", "İnklüziv təhsil", "Inclusive education", "Инклюзивное обучение"),
)

// InstructionLanguages is the classifier of languages of instruction, coded
// by ISO 639-1.
var InstructionLanguages = newList("instruction_language", i18n.T("Tədris dili", "Language of instruction", "Язык обучения"), nil,
	item("az", "Azərbaycan dili", "Azerbaijani", "Азербайджанский"),
	item("ru", "Rus dili", "Russian", "Русский"),
	item("en", "İngilis dili", "English", "Английский"),
	item("ka", "Gürcü dili", "Georgian", "Грузинский"),
	item("tr", "Türk dili", "Turkish", "Турецкий"),
	item("de", "Alman dili", "German", "Немецкий"),
	item("fr", "Fransız dili", "French", "Французский"),
)

// SpecialEducationPrograms is the classifier of the special education a
// child with a disability or special educational needs receives. The names
// describe the arrangement; they are not official titles.
var SpecialEducationPrograms = newList("special_education_program", i18n.T("Xüsusi təhsil proqramı", "Special education programme", "Программа специального образования"), nil,
	item("special_school", "Xüsusi məktəb", "Special school", "Специальная школа"),
	item("special_boarding_school", "Xüsusi internat məktəbi", "Special boarding school", "Специальная школа-интернат"),
	item("special_class", "Ümumtəhsil məktəbində xüsusi sinif", "Special class in a general school", "Специальный класс в общеобразовательной школе"),
	item("inclusive", "Ümumi sinifdə inklüziv təhsil", "Inclusive education in a mainstream class", "Инклюзивное обучение в общем классе"),
	item("home_based", "Evdə fərdi təhsil", "Individual education at home", "Индивидуальное обучение на дому"),
	item("individual_plan", "Fərdi təhsil proqramı", "Individual education programme", "Индивидуальная образовательная программа"),
	item("special_preschool", "Xüsusi məktəbəqədər müəssisə və ya qrup", "Special preschool institution or group", "Специальное дошкольное учреждение или группа"),
	item("early_intervention", "Erkən müdaxilə", "Early intervention", "Раннее вмешательство"),
	item("rehabilitation_centre", "Reabilitasiya mərkəzində təhsil", "Education at a rehabilitation centre", "Обучение в реабилитационном центре"),
	item("speech_therapy", "Loqopedik yardım", "Speech therapy", "Логопедическая помощь"),
	item("psychological_pedagogical_support", "Psixoloji-pedaqoji dəstək", "Psychological and pedagogical support", "Психолого-педагогическая поддержка"),
)

// OlympiadLevels is the classifier of the levels of subject olympiads.
var OlympiadLevels = newList("olympiad_level", i18n.T("Olimpiadanın səviyyəsi", "Olympiad level", "Уровень олимпиады"), nil,
	item("school", "Məktəb", "School", "Школьный"),
	item("district", "Rayon (şəhər)", "District (city)", "Районный (городской)"),
	item("republic", "Respublika", "National", "Республиканский"),
	item("international", "Beynəlxalq", "International", "Международный"),
)

// CompetitionLevels is the classifier of the levels of sports competitions.
var CompetitionLevels = newList("competition_level", i18n.T("Yarışın səviyyəsi", "Competition level", "Уровень соревнования"), nil,
	item("district", "Rayon", "District", "Районный"),
	item("city", "Şəhər", "City", "Городской"),
	item("republic", "Respublika", "National", "Республиканский"),
	item("european", "Avropa", "European", "Европейский"),
	item("world", "Dünya", "World", "Мировой"),
	item("olympic", "Olimpiya", "Olympic", "Олимпийский"),
	item("international_other", "Digər beynəlxalq", "Other international", "Другой международный"),
)

// Sports is the classifier of the sports most practised by children in
// Azerbaijan.
var Sports = newList("sport", i18n.T("İdman növü", "Sport", "Вид спорта"), nil,
	item("football", "Futbol", "Football", "Футбол"),
	item("futsal", "Futzal", "Futsal", "Футзал"),
	item("freestyle_wrestling", "Sərbəst güləş", "Freestyle wrestling", "Вольная борьба"),
	item("greco_roman_wrestling", "Yunan-Roma güləşi", "Greco-Roman wrestling", "Греко-римская борьба"),
	item("judo", "Cüdo", "Judo", "Дзюдо"),
	item("sambo", "Sambo", "Sambo", "Самбо"),
	item("boxing", "Boks", "Boxing", "Бокс"),
	item("taekwondo", "Taekvondo", "Taekwondo", "Тхэквондо"),
	item("karate", "Karate", "Karate", "Карате"),
	item("chess", "Şahmat", "Chess", "Шахматы"),
	item("gymnastics_rhythmic", "Bədii gimnastika", "Rhythmic gymnastics", "Художественная гимнастика"),
	item("gymnastics_artistic", "İdman gimnastikası", "Artistic gymnastics", "Спортивная гимнастика"),
	item("swimming", "Üzgüçülük", "Swimming", "Плавание"),
	item("athletics", "Yüngül atletika", "Athletics", "Лёгкая атлетика"),
	item("weightlifting", "Ağır atletika", "Weightlifting", "Тяжёлая атлетика"),
	item("volleyball", "Voleybol", "Volleyball", "Волейбол"),
	item("basketball", "Basketbol", "Basketball", "Баскетбол"),
	item("tennis", "Tennis", "Tennis", "Теннис"),
	item("table_tennis", "Stolüstü tennis", "Table tennis", "Настольный теннис"),
	item("fencing", "Qılıncoynatma", "Fencing", "Фехтование"),
)

// SportRanks is the classifier of sports ranks and titles, from the lowest.
var SportRanks = newList("sport_rank", i18n.T("İdman dərəcəsi", "Sports rank", "Спортивный разряд"), nil,
	item("youth_3", "III gənclər dərəcəsi", "Youth 3rd class", "III юношеский разряд"),
	item("youth_2", "II gənclər dərəcəsi", "Youth 2nd class", "II юношеский разряд"),
	item("youth_1", "I gənclər dərəcəsi", "Youth 1st class", "I юношеский разряд"),
	item("adult_3", "III idman dərəcəsi", "3rd class", "III спортивный разряд"),
	item("adult_2", "II idman dərəcəsi", "2nd class", "II спортивный разряд"),
	item("adult_1", "I idman dərəcəsi", "1st class", "I спортивный разряд"),
	item("candidate_master", "İdman ustalığına namizəd", "Candidate Master of Sport", "Кандидат в мастера спорта"),
	item("master_of_sport", "İdman ustası", "Master of Sport", "Мастер спорта"),
	item("international_master", "Beynəlxalq dərəcəli idman ustası", "Master of Sport, International Class", "Мастер спорта международного класса"),
)
