package reports

import (
	"fmt"

	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
)

// messages say, for each code of a wrong field, what to change.
var messages = map[string]i18n.Text{
	"bad_json": i18n.T("Tərif JSON kimi oxunmadı: %s", "The definition is not valid JSON: %s", "Определение не читается как JSON: %s"),
	"rows_required": i18n.T("Sətirlər üçün ən azı bir ölçü seçin", "Choose at least one dimension for the rows",
		"Выберите хотя бы одно измерение для строк"),
	"too_many_dimensions": i18n.T("Sətir və sütunlarda birlikdə ən çox %d ölçü ola bilər; birini çıxarın",
		"Rows and columns may have at most %d dimensions together; remove one",
		"В строках и столбцах вместе не более %d измерений; уберите одно"),
	"unknown_dimension": i18n.T("Belə ölçü yoxdur; bunlardan birini seçin: %s", "No such dimension; choose one of: %s",
		"Нет такого измерения; выберите одно из: %s"),
	"one_records_dimension": i18n.T("Qeydlərin sahəsi və ya dövrü üzrə yalnız bir ölçü ola bilər (artıq %s-də var)",
		"Only one dimension may count by a field or a period of records (there is one in %s already)",
		"Допускается только одно измерение по полю или периоду записей (уже есть в %s)"),
	"repeated_dimension": i18n.T("Bu ölçü artıq %s-də seçilib", "This dimension is already chosen in %s", "Это измерение уже выбрано в %s"),
	"too_many_filters":   i18n.T("Ən çox %d süzgəc ola bilər", "At most %d filters", "Не более %d фильтров"),
	"date_future":        i18n.T("Tarix gələcəkdə ola bilməz", "The date cannot be in the future", "Дата не может быть в будущем"),
	"date_order":         i18n.T("Tarix %s tarixindən əvvəl ola bilməz", "Cannot be before %s", "Не может быть раньше %s"),
	"one_of":             i18n.T("Bu dəyərlərdən biri olmalıdır: %s", "Must be one of: %s", "Должно быть одним из: %s"),
	"too_many_cells": i18n.T("Cədvəldə %d xanaya qədər ola bilər, ən çox %d olar: daha az dəyərli ölçü seçin (məsələn, rayon əvəzinə iqtisadi rayon, yaş əvəzinə yaş qrupu) və ya bir ölçünü süzgəcə çevirin",
		"The table could have up to %d cells, at most %d are allowed: choose dimensions with fewer values (economic region instead of district, age band instead of age) or turn a dimension into a filter",
		"В таблице может быть до %d ячеек, допускается не более %d: выберите измерения с меньшим числом значений (экономический район вместо района, возрастную группу вместо возраста) или сделайте измерение фильтром"),
	"unknown_category":     i18n.T("Belə kateqoriya yoxdur", "There is no such category", "Такой категории нет"),
	"unknown_report_field": i18n.T("Bu kateqoriyada hesabat üçün belə sahə yoxdur; mümkün sahələr: %s", "The category has no such field for reports; the fields are: %s", "В категории нет такого поля для отчётов; поля: %s"),
	"too_many":             i18n.T("Ən çox %d dəyər ola bilər", "At most %d values", "Не более %d значений"),
	"required":             i18n.T("Bu sahə mütləqdir", "This field is required", "Обязательное поле"),
	"unknown_value":        i18n.T("Bu ölçünün belə dəyəri yoxdur", "The dimension has no such value", "У измерения нет такого значения"),
	"min_max":              i18n.T("%d ilə %d arasında olmalıdır", "Must be between %d and %d", "Должно быть от %d до %d"),
	"age_order":            i18n.T("Son yaş ilk yaşdan kiçik ola bilməz", "The last age cannot be below the first", "Конечный возраст не может быть меньше начального"),
	"unknown_filter": i18n.T("Belə süzgəc yoxdur; bunlardan birini seçin: %s", "No such filter; choose one of: %s",
		"Нет такого фильтра; выберите один из: %s"),
	"purpose_required": i18n.T("Bu siyahı həssas məlumat açır (sağlamlıq, ədliyyə və ya qayğı): məqsədi göstərin",
		"This list reveals sensitive data (health, justice or care): state the purpose",
		"Этот список раскрывает чувствительные данные (здоровье, правосудие или опека): укажите цель"),
	"too_many_list_rows": i18n.T("Siyahıda %d uşaq olardı, ən çox %d olar: süzgəc əlavə edin və ya daha kiçik xana seçin",
		"The list would hold %d children, at most %d are allowed: add a filter or choose a smaller cell",
		"В списке было бы %d детей, допускается не более %d: добавьте фильтр или выберите меньшую ячейку"),
	"unknown_cell": i18n.T("Cədvəldə belə xana yoxdur", "The table has no such cell", "В таблице нет такой ячейки"),
	"unknown_format": i18n.T("Format bunlardan biri olmalıdır: %s", "The format must be one of: %s",
		"Формат должен быть одним из: %s"),
	"name_required": i18n.T("Hesabata ad verin (ən çox 200 simvol)", "Give the report a name (at most 200 characters)",
		"Дайте отчёту название (не более 200 символов)"),
}

// problem builds the field error with a code of messages.
func problem(path, code string, args ...any) fault.FieldError {
	m, ok := messages[code]
	if !ok {
		m = i18n.T(code, code, code)
	}
	if len(args) > 0 {
		m = i18n.T(fmt.Sprintf(m.AZ, args...), fmt.Sprintf(m.EN, args...), fmt.Sprintf(m.RU, args...))
	}
	return fault.FieldError{Field: path, Code: code, Message: m}
}

// Messages of the errors that are not about one field.
var (
	msgNoReports = i18n.T("Hesabatlar Məlumat Bankının əməkdaşları və iştirakçıları üçündür",
		"Reports are for the staff of the Data Bank's operator and participants",
		"Отчёты доступны сотрудникам оператора и участников Банка данных")
	msgNoJob    = i18n.T("Belə hesabat işi yoxdur", "There is no such report job", "Такого задания нет")
	msgNotReady = i18n.T("Hesabat hələ hazır deyil", "The report is not ready yet", "Отчёт ещё не готов")
)
