package classifier

import "github.com/scfwca/databank/internal/i18n"

// Sexes is the classifier of sex as recorded in civil-status documents.
var Sexes = newList("sex", i18n.T("Cins", "Sex", "Пол"), nil,
	item("male", "Kişi", "Male", "Мужской"),
	item("female", "Qadın", "Female", "Женский"),
)

// Citizenships is the classifier of the citizenships met most often, coded by
// ISO 3166-1 alpha-3 (upper case, unlike the other classifiers), plus the
// ICAO 9303 codes XXA for a stateless person and XXB for a refugee.
var Citizenships = newList("citizenship", i18n.T("Vətəndaşlıq", "Citizenship", "Гражданство"), nil,
	item("AZE", "Azərbaycan", "Azerbaijan", "Азербайджан"),
	item("RUS", "Rusiya", "Russia", "Россия"),
	item("TUR", "Türkiyə", "Türkiye", "Турция"),
	item("GEO", "Gürcüstan", "Georgia", "Грузия"),
	item("IRN", "İran", "Iran", "Иран"),
	item("UKR", "Ukrayna", "Ukraine", "Украина"),
	item("KAZ", "Qazaxıstan", "Kazakhstan", "Казахстан"),
	item("UZB", "Özbəkistan", "Uzbekistan", "Узбекистан"),
	item("TKM", "Türkmənistan", "Turkmenistan", "Туркменистан"),
	item("KGZ", "Qırğızıstan", "Kyrgyzstan", "Киргизия"),
	item("TJK", "Tacikistan", "Tajikistan", "Таджикистан"),
	item("BLR", "Belarus", "Belarus", "Беларусь"),
	item("AFG", "Əfqanıstan", "Afghanistan", "Афганистан"),
	item("IRQ", "İraq", "Iraq", "Ирак"),
	item("SYR", "Suriya", "Syria", "Сирия"),
	item("PAK", "Pakistan", "Pakistan", "Пакистан"),
	item("IND", "Hindistan", "India", "Индия"),
	item("CHN", "Çin", "China", "Китай"),
	item("DEU", "Almaniya", "Germany", "Германия"),
	item("USA", "Amerika Birləşmiş Ştatları", "United States", "Соединённые Штаты Америки"),
	item("GBR", "Böyük Britaniya", "United Kingdom", "Великобритания"),
	item("FRA", "Fransa", "France", "Франция"),
	item("ISR", "İsrail", "Israel", "Израиль"),
	item("EGY", "Misir", "Egypt", "Египет"),
	item("XXA", "Vətəndaşlığı olmayan şəxs", "Stateless person", "Лицо без гражданства"),
	item("XXB", "Qaçqın", "Refugee", "Беженец"),
)

// MaritalEvents is the classifier of the civil-status events of the parents'
// marriage.
var MaritalEvents = newList("marital_event", i18n.T("Nikah hadisəsi", "Marital event", "Брачное событие"), nil,
	item("marriage", "Nikahın bağlanması", "Marriage", "Заключение брака"),
	item("divorce", "Nikahın pozulması", "Divorce", "Расторжение брака"),
	item("marriage_annulled", "Nikahın etibarsız sayılması", "Marriage annulled", "Признание брака недействительным"),
)

// EmploymentStatuses is the classifier of a parent's (or a working-age
// child's) employment status.
var EmploymentStatuses = newList("employment_status", i18n.T("Məşğulluq vəziyyəti", "Employment status", "Статус занятости"), nil,
	item("employed", "Muzdla işləyir", "Employed", "Работает по найму"),
	item("self_employed", "Özünüməşğul", "Self-employed", "Самозанятый"),
	item("unemployed_registered", "İşsiz kimi qeydiyyatdadır", "Registered as unemployed", "Зарегистрирован как безработный"),
	item("unemployed", "İşləmir (işsiz kimi qeydiyyatda deyil)", "Not working (not registered as unemployed)", "Не работает (не зарегистрирован как безработный)"),
	item("pensioner", "Pensiyaçı", "Pensioner", "Пенсионер"),
	item("student", "Təhsil alır", "Student", "Учащийся"),
	item("unable_to_work", "Əmək qabiliyyəti yoxdur", "Unable to work", "Нетрудоспособен"),
)

// AppealKinds is the classifier of the kinds of appeal to a state body
// (Law "Vətəndaşların müraciətləri haqqında"): a general appeal, a proposal,
// a complaint or a request.
var AppealKinds = newList("appeal_kind", i18n.T("Müraciətin növü", "Kind of appeal", "Вид обращения"), nil,
	item("appeal", "Müraciət", "Appeal", "Обращение"),
	item("proposal", "Təklif", "Proposal", "Предложение"),
	item("complaint", "Şikayət", "Complaint", "Жалоба"),
	item("request", "Ərizə", "Request", "Заявление"),
)

// AppealStatuses is the classifier of the stages of an appeal's proceedings.
var AppealStatuses = newList("appeal_status", i18n.T("Müraciətin vəziyyəti", "Status of appeal", "Статус обращения"), nil,
	item("received", "Qəbul edilib", "Received", "Принято"),
	item("in_proceedings", "Baxılır", "Under consideration", "На рассмотрении"),
	item("answered", "Cavablandırılıb", "Answered", "Дан ответ"),
	item("closed", "Bağlanıb", "Closed", "Закрыто"),
	item("forwarded", "Aidiyyəti üzrə göndərilib", "Forwarded to the competent body", "Направлено по принадлежности"),
)

// ReadPurposes are the reasons a person may give for opening a child's
// health, justice or care data, beside or instead of a case or appeal
// number; the reason is kept in the audit log.
var ReadPurposes = newList("read_purpose", i18n.T("Oxuma məqsədi", "Purpose of reading", "Цель чтения"), nil,
	item("case_work", "Uşağın işi üzrə iş", "Work on the child's case", "Работа по делу ребёнка"),
	item("appeal_review", "Müraciətə baxılması", "Examining an appeal", "Рассмотрение обращения"),
	item("protection_assessment", "Uşağın müdafiəyə ehtiyacının qiymətləndirilməsi", "Assessing the child's need of protection", "Оценка потребности ребёнка в защите"),
	item("guardianship_decision", "Qəyyumluq və himayə qərarının hazırlanması", "Preparing a guardianship or custody decision", "Подготовка решения об опеке или попечительстве"),
	item("health_followup", "Sağlamlığın izlənməsi", "Following the child's health", "Наблюдение за здоровьем ребёнка"),
	item("social_assistance", "Sosial yardım və xidmətlərin təyini", "Assigning social assistance or services", "Назначение социальной помощи или услуг"),
	item("school_support", "Təhsildə dəstək", "Support in education", "Поддержка в обучении"),
	item("court_proceedings", "Məhkəmə icraatı", "Court proceedings", "Судебное производство"),
	item("official_inquiry", "Dövlət orqanının rəsmi sorğusu", "An official inquiry of a state body", "Официальный запрос государственного органа"),
)
