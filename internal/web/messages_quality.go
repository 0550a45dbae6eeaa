package web

import "github.com/scfwca/databank/internal/i18n"

// qualityMessages are the data-quality pages' texts.
var qualityMessages = map[string]i18n.Text{
	"quality.title":       i18n.T("Məlumat keyfiyyəti", "Data quality", "Качество данных"),
	"quality.lead":        i18n.T("İştirakçıların məlumatları nə qədər tam və vaxtında göndərdiyi (Qaydaların 7.1.3-cü bəndi).", "How completely and promptly each participant sends its data (regulation §7.1.3).", "Насколько полно и своевременно каждый участник передаёт данные (п. 7.1.3 Правил)."),
	"quality.period":      i18n.T("Dövr", "Period", "Период"),
	"quality.period.n":    i18n.T("Son %d gün", "Last %d days", "Последние %d дней"),
	"quality.show":        i18n.T("Göstər", "Show", "Показать"),
	"quality.participant": i18n.T("İştirakçı", "Participant", "Участник"),
	"quality.code":        i18n.T("Kod", "Code", "Код"),
	"quality.records":     i18n.T("Qəbul edilmiş qeydlər", "Records received", "Получено записей"),
	"quality.median":      i18n.T("Gecikmə, median (gün)", "Delay, median (days)", "Задержка, медиана (дни)"),
	"quality.p90":         i18n.T("Gecikmə, 90-cı persentil (gün)", "Delay, 90th percentile (days)", "Задержка, 90-й процентиль (дни)"),
	"quality.timely":      i18n.T("3 gün ərzində", "Within 3 days", "В течение 3 дней"),
	"quality.missing":     i18n.T("Çatışmayan məlumat", "Missing data", "Недостающие данные"),
	"quality.missingn":    i18n.T("Çatışmayan (uşaq)", "Missing (children)", "Недостаёт (детей)"),
	"quality.expected":    i18n.T("Gözlənilən (uşaq)", "Expected (children)", "Ожидается (детей)"),
	"quality.rejected":    i18n.T("Rədd edilmiş", "Rejected", "Отклонено"),
	"quality.rejectedn":   i18n.T("Rədd edilmiş qeydlər", "Records rejected", "Отклонено записей"),
	"quality.received":    i18n.T("Paketlərdə göndərilmiş qeydlər", "Records sent in batches", "Записей в пакетах"),
	"quality.batches":     i18n.T("Paketlər", "Batches", "Пакеты"),
	"quality.reason":      i18n.T("Əsas rədd səbəbi", "Top rejection reason", "Основная причина отклонения"),
	"quality.reasons":     i18n.T("Rədd səbəbləri", "Reasons for rejection", "Причины отклонения"),
	"quality.errcode":     i18n.T("Xəta kodu", "Error code", "Код ошибки"),
	"quality.field":       i18n.T("Sahə", "Field", "Поле"),
	"quality.count":       i18n.T("Qeyd sayı", "Records", "Записей"),
	"quality.share":       i18n.T("Pay", "Share", "Доля"),
	"quality.timeliness":  i18n.T("Vaxtında göndərilmə", "Timeliness", "Своевременность"),
	"quality.timeliness.lead": i18n.T("Gecikmə — qeydin qüvvəyə minmə tarixi ilə Məlumat Bankına daxil olduğu gün (Bakı vaxtı) arasındakı günlərin sayıdır.",
		"The delay is the number of days between a record's effective date and the day (Baku time) it reached the Data Bank.",
		"Задержка — число дней между датой вступления записи в силу и днём (по бакинскому времени) её поступления в Банк данных."),
	"quality.bycategory":   i18n.T("Kateqoriyalar üzrə", "By category", "По категориям"),
	"quality.category":     i18n.T("Kateqoriya", "Category", "Категория"),
	"quality.completeness": i18n.T("Tamlıq", "Completeness", "Полнота"),
	"quality.completeness.lead": i18n.T("Aktiv profili olan uşaqlar arasında bu məlumatı olmalı olub, lakin olmayanlar; məlumatı göndərməyə səlahiyyətli iştirakçıya aid edilir.",
		"Children with an active profile who should have this data and do not; it falls to the participant competent to send it.",
		"Дети с активным профилем, у которых должны быть эти данные, но их нет; относится к участнику, уполномоченному их передавать."),
	"quality.rule":       i18n.T("Qayda", "Rule", "Правило"),
	"quality.rules":      i18n.T("Tamlıq qaydaları", "Completeness rules", "Правила полноты"),
	"quality.sharedwith": i18n.T("Həmçinin cavabdehdir", "Also answerable", "Также отвечает"),
	"quality.rejections": i18n.T("Rədd edilmiş qeydlər", "Rejected records", "Отклонённые записи"),
	"quality.rejections.lead": i18n.T("Mübadilə API-si ilə göndərilmiş paketlərin cavablarına əsasən; e-kabinetdə formada düzəldilmiş səhvlər burada görünmür.",
		"From the answers to the batches sent through the exchange API; mistakes corrected in an e-cabinet form are not seen here.",
		"По ответам на пакеты, переданные через API обмена; ошибки, исправленные в форме электронного кабинета, здесь не видны."),
	"quality.none":        i18n.T("Bu dövrdə məlumat yoxdur", "Nothing in this period", "За этот период данных нет"),
	"quality.nogaps":      i18n.T("Bu iştirakçının göndərməli olduğu kateqoriyalar üçün tamlıq qaydası yoxdur", "No completeness rule covers the categories this participant sends", "Для категорий этого участника нет правил полноты"),
	"quality.days":        i18n.T("%d gün", "%d d", "%d дн."),
	"quality.asof":        i18n.T("Tamlıq %s tarixinə; hesablanıb: %s", "Completeness as of %s; computed %s", "Полнота на %s; рассчитано %s"),
	"quality.export":      i18n.T("Cədvəli yüklə", "Download the table", "Скачать таблицу"),
	"quality.back":        i18n.T("Bütün iştirakçılar", "All participants", "Все участники"),
	"quality.sortby":      i18n.T("Bu sütuna görə sırala", "Sort by this column", "Сортировать по этому столбцу"),
	"quality.note.period": i18n.T("Vaxtında göndərilmə və rədd: son %d gün (%s tarixindən).", "Timeliness and rejections: the last %d days (from %s).", "Своевременность и отклонения: последние %d дней (с %s)."),
	"quality.note.asof":   i18n.T("Tamlıq %s tarixinə.", "Completeness as of %s.", "Полнота на %s."),
	"quality.note.sum":    i18n.T("Çatışmayan: iştirakçının cavabdeh olduğu hər qayda üzrə uşaqların cəmi (bir uşaq iki qayda üzrə iki dəfə sayılır).", "Missing: the children lacking each rule's category the participant answers for, added up (a child lacking two counts twice).", "Недостающие: сумма детей по каждому правилу, за которое отвечает участник (ребёнок без двух категорий считается дважды)."),
}

func init() {
	for k, v := range qualityMessages {
		messages[k] = v
	}
}
