package participant

import (
	"testing"

	"github.com/scfwca/databank/internal/azid"
	"github.com/scfwca/databank/internal/category"
)

func TestDefaults(t *testing.T) {
	ps := Defaults()
	byCode := map[string]Participant{}
	for _, p := range ps {
		if _, dup := byCode[p.Code]; dup {
			t.Errorf("duplicate %s", p.Code)
		}
		byCode[p.Code] = p
		if _, ok := azid.VOEN(p.VOEN); !ok {
			t.Errorf("%s: VÖEN %q is not in the right format", p.Code, p.VOEN)
		}
		if p.Name.AZ == "" || p.Name.EN == "" || p.Name.RU == "" {
			t.Errorf("%s: missing a name", p.Code)
		}
	}
	for _, code := range []string{"operator", "internal_affairs", "justice", "education", "health", "labour", "youth_sports", "migration", "tabib", "commission.sabail", "commission.lankaran"} {
		if _, ok := byCode[code]; !ok {
			t.Errorf("no participant %s", code)
		}
	}
	for _, tc := range []struct {
		who        string
		cat        *category.Category
		send, read bool
	}{
		{"justice", category.CatBirthRegistration, true, true},
		{"health", category.CatBirthRegistration, false, true},
		{"health", category.CatOffencesByChild, false, false},
		{"education", category.CatSchooling, true, true},
		{"education", category.CatHealthCheckup, false, false},
		{"labour", category.CatGuardianship, true, true},
		{"commission.sabail", category.CatGuardianship, true, true},
		{"commission.sabail", category.CatSchooling, false, true}, // commissions read every category
		{"commission.sabail", category.CatAppeals, true, true},    // appeals: any state body
		{"commission.sabail", category.CatOffencesByChild, false, true},
		{"youth_sports", category.CatAppeals, true, true},
		{"operator", category.CatHealthCheckup, false, true},
		{"migration", category.CatRefugeeCard, true, true},
	} {
		p := byCode[tc.who]
		if p.MaySend(tc.cat) != tc.send || p.MayRead(tc.cat) != tc.read {
			t.Errorf("%s on %s: send=%v read=%v; want %v %v", tc.who, tc.cat.Code, p.MaySend(tc.cat), p.MayRead(tc.cat), tc.send, tc.read)
		}
	}
}
