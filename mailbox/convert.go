package mailbox

import (
	"errors"

	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/mapi/oxcmail"
)

// ImportRFC5322 converts a message's RFC 5322 bytes into its MAPI form
// outside any store (the conversion sets no named property yet, so it
// needs no store's ids): delivery converts once for all recipients.
func ImportRFC5322(raw []byte) (*MessageContent, error) {
	m, err := oxcmail.Import(raw, oxcmail.ImportOptions{
		NamedProps: func([]mapi.PropName) ([]uint16, error) {
			return nil, errors.New("mailbox: named properties need a store")
		},
	})
	if err != nil {
		return nil, err
	}
	return fromOxcmail(m), nil
}

// ConvertRFC5322 returns the conversion of a message's RFC 5322 bytes into
// its MAPI form for a store's transaction (the store's named property ids).
func ConvertRFC5322(raw []byte) func(tx *Tx) (*MessageContent, error) {
	return func(tx *Tx) (*MessageContent, error) {
		m, err := oxcmail.Import(raw, oxcmail.ImportOptions{
			NamedProps: func(names []mapi.PropName) ([]uint16, error) { return tx.NamedPropIDs(names, true) },
		})
		if err != nil {
			return nil, err
		}
		return fromOxcmail(m), nil
	}
}

func fromOxcmail(m *oxcmail.Message) *MessageContent {
	mc := &MessageContent{Props: Props(m.Props)}
	for _, r := range m.Recipients {
		mc.Recipients = append(mc.Recipients, Props(r))
	}
	for _, a := range m.Attachments {
		at := Attachment{Props: Props(a.Props)}
		if a.Embedded != nil {
			at.Embedded = fromOxcmail(a.Embedded)
		}
		mc.Attachments = append(mc.Attachments, at)
	}
	return mc
}
