package category

import (
	"fmt"

	"github.com/scfwca/databank/internal/i18n"
)

// messages holds the text of every validation code, in every language. The
// codes are part of the exchange contract: participants' systems match on
// them, so a code never changes meaning.
var messages = map[string]i18n.Text{
	"required":           i18n.T("Bu sahə mütləqdir", "This field is required", "Обязательное поле"),
	"unknown_field":      i18n.T("Belə sahə yoxdur", "There is no such field", "Такого поля нет"),
	"type_string":        i18n.T("Mətn olmalıdır", "Must be a string", "Должно быть строкой"),
	"type_integer":       i18n.T("Tam ədəd olmalıdır", "Must be a whole number", "Должно быть целым числом"),
	"type_boolean":       i18n.T("true və ya false olmalıdır", "Must be true or false", "Должно быть true или false"),
	"type_object":        i18n.T("Obyekt olmalıdır", "Must be an object", "Должно быть объектом"),
	"type_array":         i18n.T("Siyahı olmalıdır", "Must be a list", "Должно быть списком"),
	"too_long":           i18n.T("Ən çox %d simvol ola bilər", "At most %d characters", "Не более %d символов"),
	"too_many":           i18n.T("Ən çox %d element ola bilər", "At most %d items", "Не более %d элементов"),
	"min":                i18n.T("Ən azı %v olmalıdır", "Must be at least %v", "Должно быть не меньше %v"),
	"max":                i18n.T("Ən çox %v ola bilər", "Must be at most %v", "Должно быть не больше %v"),
	"one_of":             i18n.T("Bu dəyərlərdən biri olmalıdır: %s", "Must be one of: %s", "Должно быть одним из: %s"),
	"classifier":         i18n.T("«%s» təsnifatında belə kod yoxdur", "Not a code of the classifier %q", "Нет такого кода в классификаторе «%s»"),
	"date_format":        i18n.T("Tarix İİİİ-AA-GG formatında olmalıdır", "Must be a date written YYYY-MM-DD", "Дата должна быть в формате ГГГГ-ММ-ДД"),
	"date_future":        i18n.T("Tarix gələcəkdə ola bilməz", "The date cannot be in the future", "Дата не может быть в будущем"),
	"date_order":         i18n.T("Tarix %s tarixindən əvvəl ola bilməz", "Cannot be before %s", "Не может быть раньше %s"),
	"before_birth":       i18n.T("Tarix uşağın doğum tarixindən əvvəl ola bilməz", "Cannot be before the child's birth date", "Не может быть раньше даты рождения ребёнка"),
	"age_implausible":    i18n.T("Uşaq bu tarixdə %d yaşından kiçikdir; bu qeyd mümkün deyil", "The child was under %d on this date; such a record is implausible", "На эту дату ребёнку меньше %d лет; такая запись невозможна"),
	"age_over":           i18n.T("Uşaq bu tarixdə %d yaşından böyükdür; bu qeyd mümkün deyil", "The child was %d or older on this date; such a record is implausible", "На эту дату ребёнку %d лет или больше; такая запись невозможна"),
	"money_format":       i18n.T("Məbləğ AZN ilə, ən çox iki onluq rəqəmlə yazılmalıdır (məs. 150.00)", "Must be an amount in AZN with at most two decimals (e.g. 150.00)", "Сумма в AZN, не более двух знаков после точки (напр. 150.00)"),
	"fin_format":         i18n.T("FİN 7 simvoldur: latın hərfləri (I və O-dan başqa) və rəqəmlər", "A FIN is 7 characters: Latin letters (except I and O) and digits", "ФИН — 7 символов: латинские буквы (кроме I и O) и цифры"),
	"id_card_format":     i18n.T("Şəxsiyyət vəsiqəsi AZE və 8 rəqəm və ya AA və 7 rəqəmdir", "An ID card number is AZE and 8 digits or AA and 7 digits", "Номер удостоверения: AZE и 8 цифр или AA и 7 цифр"),
	"permit_format":      i18n.T("İcazə nömrəsi MYİ və ya DYİ və 7 rəqəmdir", "A residence permit number is MYİ or DYİ and 7 digits", "Номер вида на жительство: MYİ или DYİ и 7 цифр"),
	"refugee_format":     i18n.T("Qaçqın vəsiqəsinin nömrəsi 1–3 latın hərfi və 5–10 rəqəmdir", "A refugee card number is 1–3 Latin letters and 5–10 digits", "Номер удостоверения беженца: 1–3 латинские буквы и 5–10 цифр"),
	"phone_format":       i18n.T("Telefon +994 və 9 rəqəmdir", "A phone number is +994 and 9 digits", "Телефон: +994 и 9 цифр"),
	"mobile_format":      i18n.T("Mobil nömrə +994, operator kodu və 7 rəqəmdir", "A mobile number is +994, an operator code and 7 digits", "Мобильный номер: +994, код оператора и 7 цифр"),
	"postal_format":      i18n.T("Poçt indeksi AZ və 4 rəqəmdir", "A postal code is AZ and 4 digits", "Почтовый индекс: AZ и 4 цифры"),
	"voen_format":        i18n.T("VÖEN 10 rəqəmdir və 1 və ya 2 ilə bitir", "A tax number (VÖEN) is 10 digits ending in 1 or 2", "ВÖЕН — 10 цифр, оканчивается на 1 или 2"),
	"article_format":     i18n.T("Maddə nömrəsi rəqəmlər və nöqtələrlə yazılır (məs. 177.2.1)", "An article is written in digits and dots (e.g. 177.2.1)", "Статья пишется цифрами и точками (напр. 177.2.1)"),
	"icd10_format":       i18n.T("XBT-10 kodu hərf və rəqəmlərdir (məs. J45.0)", "An ICD-10 code is a letter and digits (e.g. J45.0)", "Код МКБ-10: буква и цифры (напр. J45.0)"),
	"inconsistent":       i18n.T("%s ilə uyğun gəlmir", "Does not agree with %s", "Не согласуется с %s"),
	"unknown_category":   i18n.T("Belə kateqoriya yoxdur", "There is no such category", "Такой категории нет"),
	"forbidden_category": i18n.T("Bu qurum bu kateqoriyada məlumat göndərə bilməz", "This participant may not send data of this category", "Этот участник не может передавать данные этой категории"),
	"child_key_missing":  i18n.T("Uşağı müəyyən edən sənəd və ya ad, doğum tarixi göstərilməlidir", "Give a document that identifies the child, or its name and birth date", "Укажите документ ребёнка или его имя и дату рождения"),
	"access_denied":      i18n.T("Bu uşaq barədə bu məlumatı göndərməyə icazəniz yoxdur (%s)", "You may not send this data about this child (%s)", "Вам не разрешено передавать эти данные об этом ребёнке (%s)"),
	"conflict_retry":     i18n.T("Bu qeyd eyni anda edilən başqa dəyişikliklə toqquşdu; yenidən göndərin", "The record met a change made at the same moment; send it again", "Запись столкнулась с одновременным изменением; отправьте её снова"),
	"not_found":          i18n.T("Retract ediləcək qeyd tapılmadı", "There is no such record to retract", "Нет такой записи для отзыва"),
	// Correspondence.
	"empty":            i18n.T("Boş ola bilməz", "Cannot be empty", "Не может быть пустым"),
	"unknown_org":      i18n.T("Belə qurum yoxdur: %s", "There is no such organisation: %s", "Нет такой организации: %s"),
	"org_cannot_join":  i18n.T("%s bu uşaq barədə yazışmada iştirak edə bilməz (%s)", "%s may not take part in correspondence about this child (%s)", "%s не может участвовать в переписке об этом ребёнке (%s)"),
	"no_other_org":     i18n.T("Ən azı bir başqa qurum seçin", "Choose at least one other organisation", "Выберите хотя бы одну другую организацию"),
	"not_member_org":   i18n.T("Cavab gözlənilən qurum yazışmanın iştirakçısı olmalıdır", "The organisation an answer is awaited from must be a member of the thread", "Организация, от которой ждут ответа, должна участвовать в переписке"),
	"date_past":        i18n.T("Tarix keçmişdə ola bilməz", "The date cannot be in the past", "Дата не может быть в прошлом"),
	"too_many_files":   i18n.T("Ən çox %d fayl əlavə etmək olar", "At most %d files may be attached", "Можно приложить не более %d файлов"),
	"file_too_large":   i18n.T("«%s» faylı %d MB-dan böyükdür", "The file %q is larger than %d MB", "Файл «%s» больше %d МБ"),
	"file_type":        i18n.T("«%s» faylının növünə icazə verilmir; PDF, PNG, JPEG, mətn, DOCX və ya XLSX göndərin", "The type of the file %q is not allowed; send PDF, PNG, JPEG, text, DOCX or XLSX", "Тип файла «%s» не допускается; отправьте PDF, PNG, JPEG, текст, DOCX или XLSX"),
	"not_your_message": i18n.T("Yalnız öz mesajınızı düzəldə bilərsiniz", "You can edit only your own messages", "Редактировать можно только свои сообщения"),
	"thread_state":     i18n.T("Vəziyyət açıq, cavab gözlənilir və ya həll olunub olmalıdır", "The state must be open, awaiting an answer or resolved", "Состояние: открыта, ожидается ответ или решена"),
	"parent_age":       i18n.T("Valideyn uşağın doğulduğu gün ən azı %d yaşında olmalıdır", "A parent must have been at least %d when the child was born", "Родителю должно быть не меньше %d лет на дату рождения ребёнка"),
}

// message formats the text of code with args in every language.
func message(code string, args ...any) i18n.Text {
	t, ok := messages[code]
	if !ok {
		panic("category: no message for code " + code)
	}
	if len(args) == 0 {
		return t
	}
	return i18n.Text{AZ: fmt.Sprintf(t.AZ, args...), EN: fmt.Sprintf(t.EN, args...), RU: fmt.Sprintf(t.RU, args...)}
}
