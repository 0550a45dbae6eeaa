package web

import (
	"strings"

	"github.com/scfwca/databank/internal/i18n"
)

// fieldLabels names the fields of the categories' payloads in every language, keyed by the
// field's JSON name; a nested field is looked up by its full dotted path first
// (e.g. "certificate.number"), then by its own last name ("number").
var fieldLabels = map[string]i18n.Text{
	// Objects.
	"address":          i18n.T("Ünvan", "Address", "Адрес"),
	"name":             i18n.T("Soyadı, adı, ata adı", "Full name", "Фамилия, имя, отчество"),
	"act":              i18n.T("Akt qeydi", "Act record", "Актовая запись"),
	"birth_place":      i18n.T("Doğulduğu yer", "Place of birth", "Место рождения"),
	"residence":        i18n.T("Yaşayış yeri üzrə qeydiyyat", "Registered residence", "Регистрация по месту жительства"),
	"certificate":      i18n.T("Doğum haqqında şəhadətnamə", "Birth certificate", "Свидетельство о рождении"),
	"document":         i18n.T("Sənəd", "Document", "Документ"),
	"disability":       i18n.T("Əlillik", "Disability", "Инвалидность"),
	"decision":         i18n.T("Qərar", "Decision", "Решение"),
	"decisions":        i18n.T("Qərarlar", "Decisions", "Решения"),
	"marriage":         i18n.T("Nikahın qeydiyyatı", "Marriage registration", "Регистрация брака"),
	"divorce":          i18n.T("Nikahın pozulması", "Divorce", "Расторжение брака"),
	"applicant":        i18n.T("Müraciət edən şəxs", "Applicant", "Заявитель"),
	"proceedings":      i18n.T("Müraciətə baxılması", "Proceedings", "Рассмотрение обращения"),
	"guardians":        i18n.T("Qəyyumlar (himayəçilər)", "Guardians", "Опекуны (попечители)"),
	"found_place":      i18n.T("Aşkar edildiyi yer", "Place found", "Место обнаружения"),
	"baby_birth_place": i18n.T("Körpənin doğulduğu yer", "Baby's place of birth", "Место рождения младенца"),
	"father_name":      i18n.T("Atanın soyadı, adı, ata adı", "Father's full name", "ФИО отца"),
	"payer_name":       i18n.T("Ödəyicinin soyadı, adı, ata adı", "Payer's full name", "ФИО плательщика"),
	"basis":            i18n.T("Əsas (komissiyanın qərarı)", "Basis (commission's decision)", "Основание (решение комиссии)"),
	"place":            i18n.T("Yer", "Place", "Место"),

	// Names, places and addresses.
	"given":       i18n.T("Adı", "Given name", "Имя"),
	"family":      i18n.T("Soyadı", "Family name", "Фамилия"),
	"patronymic":  i18n.T("Ata adı", "Patronymic", "Отчество"),
	"country":     i18n.T("Ölkə", "Country", "Страна"),
	"district":    i18n.T("Rayon", "District", "Район"),
	"settlement":  i18n.T("Yaşayış məntəqəsi", "Settlement", "Населённый пункт"),
	"street":      i18n.T("Küçə, ev, mənzil", "Street, house, flat", "Улица, дом, квартира"),
	"postal_code": i18n.T("Poçt indeksi", "Postal code", "Почтовый индекс"),

	// Registrations, acts and documents.
	"registered_on":      i18n.T("Qeydiyyata alındığı tarix", "Registered on", "Дата регистрации"),
	"deregistered_on":    i18n.T("Qeydiyyatdan çıxarıldığı tarix", "Deregistered on", "Дата снятия с учёта"),
	"body":               i18n.T("Orqan", "Body", "Орган"),
	"number":             i18n.T("Nömrə", "Number", "Номер"),
	"date":               i18n.T("Tarix", "Date", "Дата"),
	"series":             i18n.T("Seriya", "Series", "Серия"),
	"issued_on":          i18n.T("Verilmə tarixi", "Date of issue", "Дата выдачи"),
	"issued_by":          i18n.T("Sənədi verən orqan", "Issued by", "Кем выдан"),
	"valid_to":           i18n.T("Etibarlılıq müddəti", "Valid until", "Действителен до"),
	"act.body":           i18n.T("Qeydiyyat orqanı", "Registry office", "Орган регистрации"),
	"act.number":         i18n.T("Akt qeydinin nömrəsi", "Act record number", "Номер актовой записи"),
	"act.date":           i18n.T("Akt qeydinin tarixi", "Act record date", "Дата актовой записи"),
	"certificate.series": i18n.T("Şəhadətnamənin seriyası", "Certificate series", "Серия свидетельства"),
	"certificate.number": i18n.T("Şəhadətnamənin nömrəsi", "Certificate number", "Номер свидетельства"),
	"decision.body":      i18n.T("Qərarı qəbul etmiş orqan", "Decision-making body", "Орган, принявший решение"),
	"decision.number":    i18n.T("Qərarın nömrəsi", "Decision number", "Номер решения"),
	"decision.date":      i18n.T("Qərarın tarixi", "Decision date", "Дата решения"),

	// The person.
	"fin":               i18n.T("FİN", "FIN (personal ID number)", "ФИН"),
	"sex":               i18n.T("Cinsi", "Sex", "Пол"),
	"birth_date":        i18n.T("Doğum tarixi", "Date of birth", "Дата рождения"),
	"citizenship":       i18n.T("Vətəndaşlığı", "Citizenship", "Гражданство"),
	"father_fin":        i18n.T("Atanın FİN-i", "Father's FIN", "ФИН отца"),
	"mother_fin":        i18n.T("Ananın FİN-i", "Mother's FIN", "ФИН матери"),
	"kind":              i18n.T("Növü", "Kind", "Вид"),
	"type":              i18n.T("Növü", "Type", "Вид"),
	"country_of_origin": i18n.T("Mənşə ölkəsi", "Country of origin", "Страна происхождения"),
	"death_date":        i18n.T("Ölüm tarixi", "Date of death", "Дата смерти"),
	"cause":             i18n.T("Ölümün səbəbi", "Cause of death", "Причина смерти"),
	"icd10":             i18n.T("XBT-10 kodu", "ICD-10 code", "Код МКБ-10"),
	"phone":             i18n.T("Telefon", "Phone", "Телефон"),

	// Work.
	"status":         i18n.T("Statusu", "Status", "Статус"),
	"activity":       i18n.T("Fəaliyyət növü", "Occupation", "Род деятельности"),
	"workplace":      i18n.T("İş yeri", "Workplace", "Место работы"),
	"workplace_voen": i18n.T("İş yerinin VÖEN-i", "Employer's tax ID (VÖEN)", "ВОЕН места работы"),
	"position":       i18n.T("Vəzifəsi", "Position", "Должность"),
	"since":          i18n.T("Hansı tarixdən", "Since", "С какой даты"),
	"until":          i18n.T("Hansı tarixədək", "Until", "До какой даты"),

	// Care.
	"reason":                i18n.T("Səbəb", "Reason", "Причина"),
	"deregistration_reason": i18n.T("Qeydiyyatdan çıxarılma səbəbi", "Reason for deregistration", "Причина снятия с учёта"),
	"relation":              i18n.T("Uşaqla qohumluq əlaqəsi", "Relation to the child", "Родство с ребёнком"),
	"form":                  i18n.T("Forması", "Form", "Форма"),
	"start":                 i18n.T("Başlanma tarixi", "Start date", "Дата начала"),
	"end":                   i18n.T("Bitmə tarixi", "End date", "Дата окончания"),
	"institution":           i18n.T("Müəssisə", "Institution", "Учреждение"),
	"found_on":              i18n.T("Aşkar edildiyi tarix", "Found on", "Дата обнаружения"),
	"placement":             i18n.T("Yerləşdirilməsi", "Placement", "Устройство"),
	"placed_on":             i18n.T("Yerləşdirildiyi tarix", "Placed on", "Дата устройства"),
	"repatriated_on":        i18n.T("Repatriasiya tarixi", "Repatriated on", "Дата репатриации"),
	"measures":              i18n.T("Görülmüş tədbirlər", "Measures taken", "Принятые меры"),

	// Education and sport.
	"program":      i18n.T("Təhsil proqramı", "Programme", "Программа обучения"),
	"school":       i18n.T("Təhsil müəssisəsi", "School", "Учебное заведение"),
	"level":        i18n.T("Səviyyəsi", "Level", "Уровень"),
	"language":     i18n.T("Təhsil dili", "Language of instruction", "Язык обучения"),
	"grade":        i18n.T("Sinif", "Grade", "Класс"),
	"speciality":   i18n.T("İxtisas", "Speciality", "Специальность"),
	"left":         i18n.T("Təhsil müəssisəsini tərk etdiyi tarix", "Left on", "Дата выбытия"),
	"subject":      i18n.T("Fənn", "Subject", "Предмет"),
	"venue":        i18n.T("Keçirildiyi yer", "Venue", "Место проведения"),
	"award":        i18n.T("Mükafat", "Award", "Награда"),
	"sport":        i18n.T("İdman növü", "Sport", "Вид спорта"),
	"competition":  i18n.T("Yarış", "Competition", "Соревнование"),
	"rank":         i18n.T("İdman dərəcəsi", "Sports rank", "Спортивный разряд"),
	"organisation": i18n.T("Təşkilat", "Organisation", "Организация"),

	// Health.
	"percent":           i18n.T("Orqanizm funksiyalarının pozulması faizi", "Loss of body functions, %", "Процент утраты функций организма"),
	"degree":            i18n.T("Əlillik dərəcəsi", "Degree of disability", "Степень инвалидности"),
	"established_on":    i18n.T("Müəyyən edildiyi tarix", "Established on", "Дата установления"),
	"review_on":         i18n.T("Təkrar müayinə tarixi", "Re-examination date", "Дата переосвидетельствования"),
	"clinic":            i18n.T("Tibb müəssisəsi", "Clinic", "Медицинское учреждение"),
	"doctor_name":       i18n.T("Həkimin soyadı, adı", "Doctor's name", "ФИО врача"),
	"doctor_phone":      i18n.T("Həkimin telefonu", "Doctor's phone", "Телефон врача"),
	"health_group":      i18n.T("Sağlamlıq qrupu", "Health group", "Группа здоровья"),
	"height_cm":         i18n.T("Boyu (sm)", "Height (cm)", "Рост (см)"),
	"weight_g":          i18n.T("Çəkisi (q)", "Weight (g)", "Вес (г)"),
	"diagnoses":         i18n.T("Diaqnozlar (XBT-10)", "Diagnoses (ICD-10)", "Диагнозы (МКБ-10)"),
	"notes":             i18n.T("Qeydlər", "Notes", "Примечания"),
	"baby_birth_date":   i18n.T("Körpənin doğum tarixi", "Baby's date of birth", "Дата рождения младенца"),
	"baby_sex":          i18n.T("Körpənin cinsi", "Baby's sex", "Пол младенца"),
	"baby_fin":          i18n.T("Körpənin FİN-i", "Baby's FIN", "ФИН младенца"),
	"baby_health":       i18n.T("Körpənin sağlamlıq vəziyyəti", "Baby's health", "Состояние здоровья младенца"),
	"father_birth_date": i18n.T("Atanın doğum tarixi", "Father's date of birth", "Дата рождения отца"),

	// Social protection.
	"pension_type": i18n.T("Pensiyanın növü", "Pension type", "Вид пенсии"),
	"benefit_type": i18n.T("Müavinətin növü", "Benefit type", "Вид пособия"),
	"amount":       i18n.T("Məbləğ (AZN)", "Amount (AZN)", "Сумма (AZN)"),
	"assigned_on":  i18n.T("Təyin edildiyi tarix", "Assigned on", "Дата назначения"),
	"recipient":    i18n.T("Alan şəxs", "Recipient", "Получатель"),
	"payer_fin":    i18n.T("Ödəyicinin FİN-i", "Payer's FIN", "ФИН плательщика"),
	"share":        i18n.T("Qazancdan payı", "Share of earnings", "Доля заработка"),
	"application":  i18n.T("Ərizənin nömrəsi", "Application number", "Номер заявления"),
	"family_size":  i18n.T("Ailə üzvlərinin sayı", "Family size", "Число членов семьи"),
	"provider":     i18n.T("Xidməti göstərən", "Provider", "Поставщик услуги"),

	// Justice and appeals.
	"article":               i18n.T("Cinayət Məcəlləsinin maddəsi", "Article of the Criminal Code", "Статья Уголовного кодекса"),
	"offence_date":          i18n.T("Hüquqpozmanın törədildiyi tarix", "Date of the offence", "Дата совершения правонарушения"),
	"registered_by":         i18n.T("Qeydiyyata almış orqan", "Registered by", "Кем зарегистрировано"),
	"registering_body":      i18n.T("Qeydiyyata almış orqan", "Registering body", "Зарегистрировавший орган"),
	"decision_date":         i18n.T("Qərarın tarixi", "Decision date", "Дата решения"),
	"court":                 i18n.T("Məhkəmə", "Court", "Суд"),
	"sentence_start":        i18n.T("Cəzanın başlanma tarixi", "Sentence start", "Начало срока наказания"),
	"sentence_end":          i18n.T("Cəzanın bitmə tarixi", "Sentence end", "Окончание срока наказания"),
	"measure":               i18n.T("Məcburi tərbiyəvi tədbir", "Compulsory educational measure", "Принудительная мера воспитательного воздействия"),
	"withheld_from_parents": i18n.T("Valideynlərə göstərilmir", "Withheld from the parents", "Скрыто от родителей"),
	"received_on":           i18n.T("Daxil olduğu tarix", "Received on", "Дата поступления"),
	"receiving_body":        i18n.T("Müraciəti qəbul edən orqan", "Receiving body", "Орган, принявший обращение"),
	"summary":               i18n.T("Qısa məzmunu", "Summary", "Краткое содержание"),
	"due_on":                i18n.T("Baxılma müddəti", "Due by", "Срок рассмотрения"),
	"started_on":            i18n.T("Baxılmağa başlandığı tarix", "Started on", "Дата начала рассмотрения"),
	"responsible_body":      i18n.T("Məsul orqan", "Responsible body", "Ответственный орган"),
	"text":                  i18n.T("Məzmunu", "Text", "Содержание"),
}

// FieldLabel returns the label of a field path such as "address.district" in lang: the label of
// the whole path if there is one, else the parent's label and the leaf's, joined by " › "
// ("Ünvan › Rayon"), else the path itself. A deeper parent is labelled the same way
// ("residence.address.district": "… › Ünvan › Rayon"), and list indexes ("guardians.0.name")
// are passed over.
func FieldLabel(path string, lang i18n.Lang) string {
	segs := strings.Split(path, ".")
	kept := segs[:0:0]
	for _, s := range segs {
		if !isIndex(s) {
			kept = append(kept, s)
		}
	}
	if l, ok := fieldLabel(strings.Join(kept, "."), lang); ok {
		return l
	}
	return path
}

func fieldLabel(path string, lang i18n.Lang) (string, bool) {
	if t, ok := fieldLabels[path]; ok {
		return t.In(lang), true
	}
	i := strings.LastIndexByte(path, '.')
	if i < 0 {
		return "", false
	}
	t, ok := fieldLabels[path[i+1:]]
	if !ok {
		return "", false
	}
	p, ok := fieldLabel(path[:i], lang)
	if !ok {
		return "", false
	}
	return p + " › " + t.In(lang), true
}

// isIndex reports whether a path segment is a list index.
func isIndex(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
