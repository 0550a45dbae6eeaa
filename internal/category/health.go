package category

import "github.com/scfwca/databank/internal/i18n"

// Health (§4.1.12, §4.1.13, §4.1.19).

// MedicalRegistration is the clinic the child is registered with.
type MedicalRegistration struct {
	Clinic      string  `json:"clinic" v:"required,max=300"`
	Address     Address `json:"address" v:"required"`
	DoctorName  string  `json:"doctor_name" v:"required,max=200"`
	DoctorPhone string  `json:"doctor_phone,omitzero" v:"phone"`
	Since       Date    `json:"since" v:"required"`
}

func (p *MedicalRegistration) check(c *checker, path string) {
	c.afterBirth(join(path, "since"), p.Since)
}

// HealthCheckup is the result of a compulsory check-up and the health
// status from the child's records.
type HealthCheckup struct {
	Date        Date        `json:"date" v:"required"`
	Institution string      `json:"institution" v:"required,max=300"`
	HealthGroup string      `json:"health_group" v:"required,class=health_group"`
	HeightCM    int         `json:"height_cm,omitzero" v:"min=30,max=230"`
	WeightG     int         `json:"weight_g,omitzero" v:"min=500,max=200000"`
	Diagnoses   []string    `json:"diagnoses,omitzero" v:"max=20,icd10"`
	Disability  *Disability `json:"disability,omitzero"`
	Notes       string      `json:"notes,omitzero" v:"max=2000"`
}

func (p *HealthCheckup) check(c *checker, path string) {
	c.afterBirth(join(path, "date"), p.Date)
	if p.Disability != nil {
		p.Disability.check(c, join(path, "disability"))
	}
}

// MinorMotherhood records that a girl under 18 gave birth.
type MinorMotherhood struct {
	BabyBirthDate  Date        `json:"baby_birth_date" v:"required"`
	BabyBirthPlace Place       `json:"baby_birth_place" v:"required"`
	BabySex        string      `json:"baby_sex,omitzero" v:"class=sex"`
	BabyFIN        string      `json:"baby_fin,omitzero" v:"fin"`
	BabyHealth     string      `json:"baby_health,omitzero" v:"class=health_group"`
	FatherFIN      string      `json:"father_fin,omitzero" v:"fin"`
	FatherName     *PersonName `json:"father_name,omitzero"`
	FatherBirth    Date        `json:"father_birth_date,omitzero"`
}

func (p *MinorMotherhood) check(c *checker, path string) {
	c.minAge(join(path, "baby_birth_date"), p.BabyBirthDate, 10)
	c.maxAge(join(path, "baby_birth_date"), p.BabyBirthDate, 18)
}

var (
	CatMedicalRegistration = register(Category{
		Code: "medical_registration", Clause: "4.1.12", Class: Health, Bit: 14,
		Title:   i18n.T("Tibbi qeydiyyat", "Medical registration", "Медицинский учёт"),
		Senders: []string{OrgHealth, OrgTabib},
	}, MedicalRegistration{}, MedicalRegistration{
		Clinic: "Bakı şəhəri 2 nömrəli uşaq poliklinikası", Address: exampleAddress,
		DoctorName: "Nərmin Əliyeva", DoctorPhone: "+994125104433", Since: MustDate("2016-03-10"),
	})

	CatHealthCheckup = register(Category{
		Code: "health_checkup", Clause: "4.1.13", Class: Health, Bit: 15,
		Title:   i18n.T("Tibbi müayinə", "Health check-up", "Медицинский осмотр"),
		Senders: []string{OrgHealth, OrgTabib},
	}, HealthCheckup{}, HealthCheckup{
		Date: MustDate("2025-09-05"), Institution: "Bakı şəhəri 2 nömrəli uşaq poliklinikası", HealthGroup: "group_2",
		HeightCM: 131, WeightG: 28400, Diagnoses: []string{"J45.0"},
	})

	CatMinorMotherhood = register(Category{
		Code: "minor_motherhood", Clause: "4.1.19", Class: Health, Bit: 21,
		Title:   i18n.T("Azyaşlı analıq", "Minor motherhood", "Несовершеннолетнее материнство"),
		Senders: []string{OrgHealth, OrgTabib, OrgJustice},
	}, MinorMotherhood{}, MinorMotherhood{
		BabyBirthDate: MustDate("2025-02-14"), BabyBirthPlace: Place{District: "salyan"}, BabySex: "female",
		BabyHealth: "group_1", FatherFIN: "7CD4F6G",
	})
)
