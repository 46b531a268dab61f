package mailbox

import (
	"fmt"
	"strings"

	"github.com/gromox-go/gromox/mapi"
)

// IMAP flags are MAPI state, so Outlook sees what an IMAP client set and
// the other way round (the mapping upstream 3.10 uses):
//
//	\Seen      the read state
//	\Answered  PR_MSG_STATUS |= MSGSTATUS_ANSWERED, PR_ICON_INDEX = replied,
//	           PR_LAST_VERB_EXECUTED = reply to sender
//	$Forwarded PR_ICON_INDEX = forwarded, PR_LAST_VERB_EXECUTED = forward
//	\Flagged   PR_MSG_STATUS |= MSGSTATUS_TAGGED, PR_FLAG_STATUS = flagged,
//	           PR_FOLLOWUP_ICON = red flag
//	\Deleted   PR_MSG_STATUS |= MSGSTATUS_DELMARKED
//	\Draft     PR_MESSAGE_FLAGS |= MSGFLAG_UNSENT
//
// Keywords are kept in midb.sqlite3's keywords column and mirrored into
// PidNameKeywords (PS_PUBLIC_STRINGS "Keywords", Outlook's categories).

// Verbs for PR_LAST_VERB_EXECUTED (MS-OXOMSG 2.2.1.20).
const (
	verbReplyToSender = 102
	verbForward       = 104
	olRedFlagIcon     = 6
)

var keywordsName = mapi.PropName{GUID: mapi.PSPublicStrings, Kind: mapi.MnidString, Name: "Keywords"}

// SetIMAPFlags adds and removes IMAP flags and keywords of message mid. It
// changes the MAPI state (a new change number, so a new MODSEQ) and the IMAP
// index after the commit.
func (t *Tx) SetIMAPFlags(mid uint64, add, remove IMAPFlags, addKW, removeKW []string) error {
	r, err := t.messageRow(mid)
	if err != nil {
		return err
	}
	cur, err := t.MessageProps(mid, []mapi.PropTag{mapi.PrMessageFlags, mapi.PrMsgStatus, mapi.PrIconIndex, mapi.PrFlagStatus, mapi.PrFollowupIcon})
	if err != nil {
		return err
	}
	u32 := func(tag mapi.PropTag) int32 {
		if v, ok := cur.Get(tag); ok {
			if n, ok := v.(int32); ok {
				return n
			}
		}
		return 0
	}
	msgFlags, status, icon := u32(mapi.PrMessageFlags), u32(mapi.PrMsgStatus), u32(mapi.PrIconIndex)
	flagStatus, followup := u32(mapi.PrFlagStatus), u32(mapi.PrFollowupIcon)

	var set Props
	var del []mapi.PropTag
	now := nowFT()
	if add&FlagAnswered != 0 && (icon != iconReplied || status&msgstatusAnswered == 0) {
		status |= msgstatusAnswered
		set = append(set, mapi.PropVal{Tag: mapi.PrIconIndex, Value: int32(iconReplied)},
			mapi.PropVal{Tag: mapi.PrLastVerbExecuted, Value: int32(verbReplyToSender)},
			mapi.PropVal{Tag: mapi.PrLastVerbExecutionTime, Value: now})
	}
	if remove&FlagAnswered != 0 {
		status &^= msgstatusAnswered
	}
	if add&FlagForwarded != 0 && icon != iconForwarded {
		set = append(set, mapi.PropVal{Tag: mapi.PrIconIndex, Value: int32(iconForwarded)},
			mapi.PropVal{Tag: mapi.PrLastVerbExecuted, Value: int32(verbForward)},
			mapi.PropVal{Tag: mapi.PrLastVerbExecutionTime, Value: now})
	}
	if remove&FlagForwarded != 0 && icon == iconForwarded {
		del = append(del, mapi.PrIconIndex)
	}
	if add&FlagFlagged != 0 {
		status |= msgstatusTagged
		if flagStatus == 0 {
			set = append(set, mapi.PropVal{Tag: mapi.PrFlagStatus, Value: int32(followupFlagged)})
		}
		if followup == 0 {
			set = append(set, mapi.PropVal{Tag: mapi.PrFollowupIcon, Value: int32(olRedFlagIcon)})
		}
	}
	if remove&FlagFlagged != 0 {
		status &^= msgstatusTagged
		del = append(del, mapi.PrFlagStatus, mapi.PrFollowupIcon)
	}
	if add&FlagDeleted != 0 {
		status |= msgstatusDelmarked
	}
	if remove&FlagDeleted != 0 {
		status &^= msgstatusDelmarked
	}
	if add&FlagDraft != 0 {
		msgFlags |= msgflagUnsent
	}
	if remove&FlagDraft != 0 {
		msgFlags &^= msgflagUnsent
	}
	if status != u32(mapi.PrMsgStatus) {
		set = append(set, mapi.PropVal{Tag: mapi.PrMsgStatus, Value: status})
	}
	if msgFlags != u32(mapi.PrMessageFlags) {
		set = append(set, mapi.PropVal{Tag: mapi.PrMessageFlags, Value: msgFlags})
	}

	var kw *string
	if len(addKW) > 0 || len(removeKW) > 0 {
		have, err := t.imapKeywords(mid)
		if err != nil {
			return err
		}
		next := applyKeywords(have, addKW, removeKW)
		if strings.Join(next, " ") != strings.Join(have, " ") {
			ids, err := t.NamedPropIDs([]mapi.PropName{keywordsName}, true)
			if err != nil {
				return err
			}
			tag := mapi.NewTag(ids[0], mapi.PtMvUnicode)
			if len(next) == 0 {
				del = append(del, tag)
			} else {
				set = append(set, mapi.PropVal{Tag: tag, Value: next})
			}
			s := strings.Join(next, " ")
			kw = &s
		}
	}

	changed := false
	if len(set) > 0 {
		if _, err := t.SetMessageProps(mid, set); err != nil {
			return err
		}
		changed = true
	}
	if len(del) > 0 {
		if err := t.removeProps(messageTable, mid, del); err != nil {
			return err
		}
		if !changed {
			if err := t.newMessageVersion(mid, now, true); err != nil {
				return err
			}
			fid, _ := t.messageFolder(mid, r)
			t.Emit(Event{Kind: EventModified, FolderID: fid, MessageID: mid})
		}
		changed = true
	}
	if add&FlagSeen != 0 || remove&FlagSeen != 0 {
		if _, err := t.SetReadState(mid, add&FlagSeen != 0); err != nil {
			return err
		}
		changed = true
	}
	if kw != nil {
		fid, _ := t.messageFolder(mid, r)
		if !changed {
			t.Emit(Event{Kind: EventModified, FolderID: fid, MessageID: mid})
		}
		// Carried to the IMAP index with the commit's events.
		for i := len(t.events) - 1; i >= 0; i-- {
			if t.events[i].MessageID == mid && t.events[i].Kind == EventModified {
				t.events[i].keywords = kw
				break
			}
		}
	}
	return nil
}

// imapKeywords returns the message's keywords as the IMAP index has them.
func (t *Tx) imapKeywords(mid uint64) ([]string, error) {
	if t.s.midb == nil {
		return nil, fmt.Errorf("mailbox: no IMAP index for this store")
	}
	var kw string
	err := t.s.midbQueryRowDB(t.ctx, "SELECT COALESCE(keywords, '') FROM messages WHERE message_id=?", mid).Scan(&kw)
	if err != nil {
		return nil, nil // not indexed yet: none
	}
	return strings.Fields(kw), nil
}

// applyKeywords adds and removes keywords (case-insensitively, as IMAP
// flags compare), keeping the order of the existing ones.
func applyKeywords(have, add, remove []string) []string {
	out := make([]string, 0, len(have)+len(add))
	seen := map[string]bool{}
	drop := map[string]bool{}
	for _, k := range remove {
		drop[strings.ToLower(k)] = true
	}
	for _, k := range append(append([]string{}, have...), add...) {
		l := strings.ToLower(k)
		if drop[l] || seen[l] || k == "" {
			continue
		}
		seen[l] = true
		out = append(out, k)
	}
	return out
}
