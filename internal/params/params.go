// Package params holds the operational parameters the operator's
// administrator sets in the admin panel (§6.2.5) — how long a
// law-enforcement body's restricted read stays out of the parents' access
// log, the limits of correspondence, when reminders of answers go out —
// each with its bounds and its name in three languages. Unset, a
// parameter has its default (for the access-log delay, the server's
// configuration).
package params

import (
	"strconv"
	"strings"

	"github.com/scfwca/databank/internal/fault"
	"github.com/scfwca/databank/internal/i18n"
)

// Param is one parameter.
type Param struct {
	Key      string
	Name     i18n.Text
	Unit     i18n.Text
	Min, Max int
	Default  int
}

// The parameters' keys.
const (
	AccessLogDelayDays = "access_log_delay_days"
	MaxFileMB          = "correspondence_max_file_mb"
	MessagesPerMinute  = "correspondence_messages_per_minute"
	ReminderLeadHours  = "reminder_lead_hours"
	ArchiveSenderDays  = "archive_sender_access_days"
	AppealWorkingDays  = "appeal_deadline_working_days"
	ReadsPerHour       = "intrusion_reads_per_hour"
	RefusalsPerHour    = "intrusion_refusals_per_hour"
	IntrusionSuspend   = "intrusion_suspend"
)

var (
	days    = i18n.T("gün", "days", "дней")
	mb      = i18n.T("MB", "MB", "МБ")
	perMin  = i18n.T("dəqiqədə", "a minute", "в минуту")
	hours   = i18n.T("saat", "hours", "часов")
	catalog = []Param{
		{AccessLogDelayDays, i18n.T("Hüquq-mühafizə orqanının məhdud oxunuşu valideynin jurnalında nə vaxt görünür",
			"When a law-enforcement body's restricted read appears in the parents' access log",
			"Когда ограниченное чтение правоохранительного органа появляется в журнале родителей"), days, 0, 365, 30},
		{MaxFileMB, i18n.T("Yazışmada bir faylın ən böyük ölçüsü", "The largest file in correspondence", "Наибольший файл в переписке"), mb, 1, 50, 10},
		{MessagesPerMinute, i18n.T("Bir şəxsin yazışmada göndərə biləcəyi mesaj", "Messages one person may post", "Сообщений, которые может отправить один человек"), perMin, 1, 600, 20},
		{ArchiveSenderDays, i18n.T("Arxivləşdirilmiş profili məlumat göndərmiş qurumlar nə qədər oxuya bilər",
			"How long the participants that sent data about a child read its archived profile",
			"Сколько участники, передававшие данные о ребёнке, могут читать его архивный профиль"), days, 0, 3650, 365},
		{AppealWorkingDays, i18n.T("Müraciətə cavab müddəti", "Time to answer an appeal", "Срок ответа на обращение"),
			i18n.T("iş günü", "working days", "рабочих дней"), 1, 60, 15},
		{ReadsPerHour, i18n.T("Bir şəxsin saatda oxuduğu profillər: bundan çoxu təhlükəsizlik hadisəsidir", "Profiles one person reads an hour: more is a security event", "Профилей, читаемых одним лицом в час: больше — событие безопасности"),
			i18n.T("profil", "profiles", "профилей"), 10, 10000, 200},
		{RefusalsPerHour, i18n.T("Bir şəxsə saatda imtinalar: bundan çoxu təhlükəsizlik hadisəsidir", "Refusals to one person an hour: more is a security event", "Отказов одному лицу в час: больше — событие безопасности"),
			i18n.T("imtina", "refusals", "отказов"), 3, 1000, 20},
		{IntrusionSuspend, i18n.T("Təhlükəsizlik hadisəsində şəxsin girişini operator baxana qədər dayandır (1 — bəli, 0 — xeyr)", "Suspend the person on a security event until the operator reviews it (1 yes, 0 no)", "Приостанавливать доступ лица при событии безопасности до проверки оператором (1 — да, 0 — нет)"),
			i18n.T("", "", ""), 0, 1, 0},
		{ReminderLeadHours, i18n.T("Cavab müddətindən nə qədər əvvəl xatırlatma göndərilir", "How long before an answer is due the reminder goes", "За сколько до срока ответа отправляется напоминание"), hours, 1, 168, 24},
	}
)

// All returns the parameters, in a stable order.
func All() []Param { return append([]Param(nil), catalog...) }

// Lookup returns a parameter by its key.
func Lookup(key string) (Param, bool) {
	for _, p := range catalog {
		if p.Key == key {
			return p, true
		}
	}
	return Param{}, false
}

// Parse checks a value typed for a parameter and names what is wrong.
func Parse(key, value string) (int, error) {
	p, ok := Lookup(key)
	if !ok {
		return 0, fault.E("params.Parse", fault.Invalid, fault.FieldError{Field: "key", Code: "unknown_parameter",
			Message: i18n.T("Belə parametr yoxdur", "There is no such parameter", "Такого параметра нет")})
	}
	n, err := strconv.Atoi(strings.TrimSpace(value))
	if err != nil || n < p.Min || n > p.Max {
		return 0, fault.E("params.Parse", fault.Invalid, fault.FieldError{Field: key, Code: "parameter_range",
			Message: i18n.T(strconv.Itoa(p.Min)+"–"+strconv.Itoa(p.Max)+" arasında tam ədəd olmalıdır",
				"Must be a whole number from "+strconv.Itoa(p.Min)+" to "+strconv.Itoa(p.Max),
				"Должно быть целым числом от "+strconv.Itoa(p.Min)+" до "+strconv.Itoa(p.Max))})
	}
	return n, nil
}

// Values are the parameters as set; a missing one has its default.
type Values map[string]int

// Get returns a parameter's value, its default when unset.
func (v Values) Get(key string) int {
	if n, ok := v[key]; ok {
		return n
	}
	p, _ := Lookup(key)
	return p.Default
}
