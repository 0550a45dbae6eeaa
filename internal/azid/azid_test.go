package azid

import "testing"

type idCase struct {
	in    string
	want  string // canonical form; checked only when ok
	valid bool
}

func runCases(t *testing.T, name string, f func(string) (string, bool), cases []idCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(name+"/"+c.in, func(t *testing.T) {
			got, ok := f(c.in)
			if ok != c.valid {
				t.Fatalf("%s(%q) = %q, %v; want valid=%v", name, c.in, got, ok, c.valid)
			}
			if ok && got != c.want {
				t.Fatalf("%s(%q) = %q; want %q", name, c.in, got, c.want)
			}
		})
	}
}

func TestFIN(t *testing.T) {
	runCases(t, "FIN", FIN, []idCase{
		{"5ABC12D", "5ABC12D", true},
		{"5abc12d", "5ABC12D", true},
		{"  5ABC12D\t", "5ABC12D", true},
		{"5ABC 12D", "5ABC12D", true},
		{"1234567", "1234567", true},
		{"ZZZZZZZ", "ZZZZZZZ", true},
		{"5ABO12D", "", false},  // O is not in the alphabet
		{"5ABI12D", "", false},  // nor is I
		{"5abi12d", "", false},  // lower-case i upper-cases to I
		{"5abı12d", "", false},  // dotless ı upper-cases to I
		{"5ABİ12D", "", false},  // dotted İ is not Latin A–Z
		{"5ABC12", "", false},   // 6 characters
		{"5ABC12DE", "", false}, // 8 characters
		{"5ABÇ12D", "", false},
		{"5AB_12D", "", false},
		{"", "", false},
	})
}

func TestIDCard(t *testing.T) {
	runCases(t, "IDCard", IDCard, []idCase{
		{"AZE12345678", "AZE12345678", true},
		{"aze 1234 5678", "AZE12345678", true},
		{"AA1234567", "AA1234567", true},
		{"aa-1234567", "AA1234567", true},
		{"AZE1234567", "", false},   // 7 digits after AZE
		{"AZE123456789", "", false}, // 9 digits
		{"AA12345678", "", false},   // 8 digits after AA
		{"AA123456", "", false},
		{"AB1234567", "", false},
		{"AZE1234567X", "", false},
		{"12345678", "", false},
		{"", "", false},
	})
}

func TestResidencePermit(t *testing.T) {
	runCases(t, "ResidencePermit", ResidencePermit, []idCase{
		{"MYİ1234567", "MYİ1234567", true},
		{"DYİ1234567", "DYİ1234567", true},
		{"MYI1234567", "MYİ1234567", true},
		{"myi 1234567", "MYİ1234567", true},
		{"dyı1234567", "DYİ1234567", true},
		{"myi̇1234567", "MYİ1234567", true}, // strings.ToLower("MYİ")
		{"MOM1234567", "", false},           // extension of stay, not a permit
		{"MYİ123456", "", false},
		{"MYİ12345678", "", false},
		{"MY1234567", "", false},
		{"MYİI1234567", "", false},
		{"XYİ1234567", "", false},
		{"", "", false},
	})
}

func TestRefugeeCard(t *testing.T) {
	runCases(t, "RefugeeCard", RefugeeCard, []idCase{
		{"A12345", "A12345", true},
		{"ab 123456", "AB123456", true},
		{"QV-0012345678", "QV0012345678", true},
		{"ABC1234567890", "ABC1234567890", true},
		{"ABCD12345", "", false}, // 4 letters
		{"A1234", "", false},     // 4 digits
		{"A12345678901", "", false},
		{"12345", "", false},
		{"AB12C45", "", false},
		{"ƏB12345", "", false},
		{"", "", false},
	})
}

func TestPhone(t *testing.T) {
	runCases(t, "Phone", Phone, []idCase{
		{"+994 12 555 12 34", "+994125551234", true},
		{"994125551234", "+994125551234", true},
		{"012 555 12 34", "+994125551234", true},
		{"(050) 123-45-67", "+994501234567", true},
		{"+994501234567", "+994501234567", true},
		{"00994 50 123 45 67", "+994501234567", true},
		{"+994 (0)50 123 45 67", "+994501234567", true},
		{"50 123 45 67", "+994501234567", true},
		{"+994 22 256 00 00", "+994222560000", true}, // Ganja landline
		{"+99450123456", "", false},                  // 8 digits after the country code
		{"+9945012345678", "", false},                // 10 digits
		{"050 123 45 6", "", false},
		{"+7 912 345 67 89", "", false}, // Russia
		{"+0501234567", "", false},
		{"00501234567", "", false},
		{"+994 05 0123 456", "", false},
		{"0012345678", "", false}, // national number starting with 0
		{"050 123 45 6x", "", false},
		{"", "", false},
	})
}

func TestMobilePhone(t *testing.T) {
	runCases(t, "MobilePhone", MobilePhone, []idCase{
		{"(050) 123-45-67", "+994501234567", true},
		{"+994 51 123 45 67", "+994511234567", true},
		{"010 123 45 67", "+994101234567", true},
		{"055 123 45 67", "+994551234567", true},
		{"+994 60 123 45 67", "+994601234567", true},
		{"070 123 45 67", "+994701234567", true},
		{"077 123 45 67", "+994771234567", true},
		{"099 123 45 67", "+994991234567", true},
		{"040 123 45 67", "+994401234567", true},
		{"044 123 45 67", "+994441234567", true},
		{"+994 12 555 12 34", "", false}, // Baku landline
		{"018 555 12 34", "", false},     // Sumqayıt landline
		{"088 123 45 67", "", false},     // toll-free
		{"+99450123456", "", false},
		{"", "", false},
	})
}

func TestPhoneLandlineVsMobile(t *testing.T) {
	const landline = "+994 12 555 12 34"
	if _, ok := Phone(landline); !ok {
		t.Errorf("Phone(%q) rejected a landline", landline)
	}
	if _, ok := MobilePhone(landline); ok {
		t.Errorf("MobilePhone(%q) accepted a landline", landline)
	}
}

func TestPostalCode(t *testing.T) {
	runCases(t, "PostalCode", PostalCode, []idCase{
		{"AZ1000", "AZ1000", true},
		{"az 1000", "AZ1000", true},
		{"AZ-1000", "AZ1000", true},
		{"1000", "AZ1000", true},
		{"AZ100", "", false},
		{"AZ10000", "", false},
		{"AB1000", "", false},
		{"AZ10O0", "", false},
		{"100", "", false},
		{"", "", false},
	})
}

func TestVOEN(t *testing.T) {
	runCases(t, "VOEN", VOEN, []idCase{
		{"1234567891", "1234567891", true},
		{"1234567892", "1234567892", true},
		{"12 3456 789-1", "1234567891", true},
		{"1234567893", "", false}, // last digit must be 1 or 2
		{"1234567890", "", false},
		{"123456781", "", false},   // 9 digits
		{"12345678901", "", false}, // 11 digits
		{"12345678A1", "", false},
		{"", "", false},
	})
}

func BenchmarkFIN(b *testing.B) {
	for b.Loop() {
		FIN(" 5abc12d ")
	}
}
