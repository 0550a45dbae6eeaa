package web

import "github.com/scfwca/databank/internal/i18n"

// openMessages are the texts of the public module's pages.
var openMessages = map[string]i18n.Text{
	"open.title": i18n.T("Açıq məlumatlar", "Open data", "Открытые данные"),
	"open.lead": i18n.T("Uşaqlar haqqında ümumi statistika: hər kəs üçün, girişsiz. Heç bir say bir uşağı tanımağa imkan vermir.",
		"General statistics on children: for everyone, without login. No count lets anyone single out a child.",
		"Общая статистика о детях: для всех, без входа. Ни одно число не позволяет узнать отдельного ребёнка."),
	"open.suppression": i18n.T("5-dən az olan saylar (cəmlər də) göstərilmir (–), həmçinin onları digər saylardan hesablamağa imkan verən saylar da.",
		"Counts below 5 (totals included) are not shown (–), nor are the counts that would let one be computed from the others.",
		"Числа меньше 5 (включая итоги) не показываются (–), как и числа, по которым их можно вычислить из других."),
	"open.definition": i18n.T("İlin uşaqları: 31 dekabrda (cari il üçün bu gün) 18 yaşına çatmamış, o günədək doğulmuş və sağ olan uşaqlar; arxivləşdirilmiş profillər də sayılır. Yaş həmin gündəki tam illərlə, region uşağın indi yaşadığı yerə görədir.",
		"The children of a year: those under 18 on 31 December (today for the current year), born by then and alive; archived profiles count too. Age is in whole years on that day; the region is where the child lives now.",
		"Дети года: не достигшие 18 лет на 31 декабря (для текущего года — на сегодня), родившиеся к этому дню и живые; архивные профили тоже учитываются. Возраст — полных лет на этот день; район — где ребёнок живёт сейчас."),
	"open.datasets":    i18n.T("Məlumat dəstləri", "Datasets", "Наборы данных"),
	"open.years":       i18n.T("İllər", "Years", "Годы"),
	"open.updated":     i18n.T("Yenilənib", "Updated", "Обновлено"),
	"open.api":         i18n.T("Maşın oxuya bilən kataloq (JSON)", "Machine-readable catalogue (JSON)", "Машиночитаемый каталог (JSON)"),
	"open.portal":      i18n.T("Elektron hökumət portalı", "E-government portal", "Портал электронного правительства"),
	"open.portal.lead": i18n.T("Dövlət xidmətləri və digər açıq məlumatlar elektron hökumət portalındadır:", "Public services and other open information are on the e-government portal:", "Государственные услуги и другая открытая информация — на портале электронного правительства:"),
	"open.year":        i18n.T("İl", "Year", "Год"),
	"open.show":        i18n.T("Göstər", "Show", "Показать"),
	"open.asof":        i18n.T("Tarixə: %s", "As of %s", "На дату: %s"),
	"open.provisional": i18n.T("ilkin: il hələ bitməyib", "provisional: the year is not over", "предварительно: год не закончился"),
	"open.total":       i18n.T("Cəmi", "Total", "Итого"),
	"open.all":         i18n.T("Bütün uşaqlar", "All children", "Все дети"),
	"open.children":    i18n.T("Uşaqlar", "Children", "Дети"),
	"open.nonadditive": i18n.T("Uşaq bir neçə kateqoriyada ola bilər və ya heç birində olmaya bilər: sətir cəmi rayonun bütün uşaqlarıdır.", "A child may be in several categories or none: the row total is all the region's children.", "Ребёнок может входить в несколько категорий или ни в одну: итог строки — все дети района."),
	"open.download":    i18n.T("Yükləyin", "Download", "Скачать"),
	"open.back":        i18n.T("Bütün məlumat dəstləri", "All datasets", "Все наборы данных"),
	"open.license":     i18n.T("Lisenziya: Creative Commons Attribution 4.0 — mənbəni göstərməklə istifadə edin.", "Licence: Creative Commons Attribution 4.0 — use it, naming the source.", "Лицензия: Creative Commons Attribution 4.0 — используйте с указанием источника."),
	"open.suppressed":  i18n.T("göstərilmir", "withheld", "не показано"),
	"open.landing":     i18n.T("Uşaqlar haqqında açıq statistika", "Open statistics on children", "Открытая статистика о детях"),
}

func init() {
	for k, v := range openMessages {
		messages[k] = v
	}
}
