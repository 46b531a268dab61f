package autodiscover

import (
	"strings"
	"testing"
)

// FuzzParseRequest: any bytes give a request or an error, never a panic;
// an accepted request has an address with '@', or a legacy DN and no
// address.
func FuzzParseRequest(f *testing.F) {
	f.Add([]byte(outlookRequest("alice@example.org")))
	f.Add([]byte(`<Autodiscover><Request><EMailAddress>a@b</EMailAddress><LegacyDN>/o=x</LegacyDN></Request></Autodiscover>`))
	f.Add([]byte(`<Autodiscover><Request><LegacyDN>/o=x/ou=y/cn=Recipients/cn=0200000005000000-alice</LegacyDN></Request></Autodiscover>`))
	f.Add([]byte(`<autodiscover xmlns:a="x"><a:Request><EMailAddress>a@b</EMailAddress></a:Request></autodiscover>`))
	f.Add([]byte(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "a@b">]><Autodiscover><Request><EMailAddress>&e;</EMailAddress></Request></Autodiscover>`))
	f.Add([]byte(`<Autodiscover><Request><EMailAddress><![CDATA[a@b]]></EMailAddress></Request></Autodiscover><x/>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseRequest(b)
		if err == nil || err == ErrNoSchema {
			if r == nil || !strings.Contains(r.EMailAddress, "@") && (r.EMailAddress != "" || !strings.HasPrefix(r.LegacyDN, "/")) {
				t.Fatalf("accepted %q as %+v", b, r)
			}
		}
	})
}
