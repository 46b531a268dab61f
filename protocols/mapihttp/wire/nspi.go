package wire

// Request and response bodies of the address book server endpoint
// (MS-OXCMAPIHTTP 2.2.5). Optional fields follow a Has* byte ("A Boolean
// value": present when nonzero); a nil pointer or slice stands for an
// absent field, an empty non-nil slice for a present field with count 0.
// Property values are in the AddressBookCodec form.

import (
	"fmt"

	"github.com/gromox-go/gromox/mapi"
)

// MaxAddressBookCount bounds the counts of LargePropertyTagArray
// (MS-OXCMAPIHTTP 2.2.1.8), explicit tables (2.2.5.12.1, 2.2.5.16.1) and
// string arrays (MS-OXNSPI 2.2.7.1): "limited to 100,000".
const MaxAddressBookCount = 100000

// Stat is the STAT structure (MS-OXNSPI 2.3.7, 36 bytes): the state of and
// position in an address book container.
type Stat struct {
	SortType       uint32
	ContainerID    uint32 // a Minimal Entry ID
	CurrentRec     uint32 // a Minimal Entry ID
	Delta          int32
	NumPos         uint32
	TotalRecs      uint32
	CodePage       uint32
	TemplateLocale uint32
	SortLocale     uint32
}

// PropertyName is the PropertyNameGuid and PropertyNameId of a GetMatches
// request (MS-OXCMAPIHTTP 2.2.5.5.1).
type PropertyName struct {
	GUID mapi.GUID
	ID   uint32
}

func readStat(r *mapi.Reader) (*Stat, error) {
	var s Stat
	var delta uint32
	if err := readU32s(r, &s.SortType, &s.ContainerID, &s.CurrentRec, &delta, &s.NumPos,
		&s.TotalRecs, &s.CodePage, &s.TemplateLocale, &s.SortLocale); err != nil {
		return nil, err
	}
	s.Delta = int32(delta)
	return &s, nil
}

func putStat(w *mapi.Writer, s *Stat) {
	putU32s(w, s.SortType, s.ContainerID, s.CurrentRec, uint32(s.Delta), s.NumPos,
		s.TotalRecs, s.CodePage, s.TemplateLocale, s.SortLocale)
}

// readOpt reads a Has* byte and, when it is nonzero, the field.
func readOpt[T any](r *mapi.Reader, read func(*mapi.Reader) (T, error)) (T, error) {
	var zero T
	ok, err := r.Present()
	if err != nil || !ok {
		return zero, err
	}
	return read(r)
}

func readOptStat(r *mapi.Reader) (*Stat, error) { return readOpt(r, readStat) }

func putOptStat(w *mapi.Writer, s *Stat) {
	w.PutPresent(s != nil)
	if s != nil {
		putStat(w, s)
	}
}

func readCount(r *mapi.Reader, minSize int) (int, error) {
	n, err := r.Uint32()
	if err != nil {
		return 0, err
	}
	if n > MaxAddressBookCount {
		return 0, fmt.Errorf("count %d over %d", n, MaxAddressBookCount)
	}
	if uint64(n)*uint64(minSize) > uint64(r.Len()) {
		return 0, fmt.Errorf("count %d with %d bytes left: %w", n, r.Len(), mapi.ErrTruncated)
	}
	return int(n), nil
}

func putCount(w *mapi.Writer, n int) error {
	if n > MaxAddressBookCount {
		return fmt.Errorf("count %d over %d", n, MaxAddressBookCount)
	}
	w.PutUint32(uint32(n))
	return nil
}

// readMIDs reads a u32 count and that many MinimalEntryIDs (MS-OXNSPI
// 2.3.8.1).
func readMIDs(r *mapi.Reader) ([]uint32, error) {
	n, err := readCount(r, 4)
	if err != nil {
		return nil, err
	}
	ids := make([]uint32, n)
	for i := range ids {
		ids[i], _ = r.Uint32()
	}
	return ids, nil
}

func putMIDs(w *mapi.Writer, ids []uint32) error {
	if err := putCount(w, len(ids)); err != nil {
		return err
	}
	putU32s(w, ids...)
	return nil
}

func readOptMIDs(r *mapi.Reader) ([]uint32, error) { return readOpt(r, readMIDs) }

func putOptMIDs(w *mapi.Writer, ids []uint32) error {
	w.PutPresent(ids != nil)
	if ids == nil {
		return nil
	}
	return putMIDs(w, ids)
}

// readTags reads a LargePropertyTagArray (MS-OXCMAPIHTTP 2.2.1.8).
func readTags(r *mapi.Reader) ([]mapi.PropTag, error) {
	n, err := readCount(r, 4)
	if err != nil {
		return nil, err
	}
	tags := make([]mapi.PropTag, n)
	for i := range tags {
		tags[i], _ = r.PropTag()
	}
	return tags, nil
}

func putTags(w *mapi.Writer, tags []mapi.PropTag) error {
	if err := putCount(w, len(tags)); err != nil {
		return err
	}
	for _, t := range tags {
		w.PutPropTag(t)
	}
	return nil
}

func readOptTags(r *mapi.Reader) ([]mapi.PropTag, error) { return readOpt(r, readTags) }

func putOptTags(w *mapi.Writer, tags []mapi.PropTag) error {
	w.PutPresent(tags != nil)
	if tags == nil {
		return nil
	}
	return putTags(w, tags)
}

// readValueList reads an AddressBookPropertyValueList (MS-OXCMAPIHTTP
// 2.2.1.3): a u32 count and AddressBookTaggedPropertyValues.
func readValueList(r *mapi.Reader) ([]mapi.PropVal, error) {
	vals, err := r.LongPropVals()
	if err == nil && vals == nil {
		vals = []mapi.PropVal{}
	}
	return vals, err
}

func putValueList(w *mapi.Writer, vals []mapi.PropVal) error { return w.PutLongPropVals(vals) }

func readOptValueList(r *mapi.Reader) ([]mapi.PropVal, error) { return readOpt(r, readValueList) }

func putOptValueList(w *mapi.Writer, vals []mapi.PropVal) error {
	w.PutPresent(vals != nil)
	if vals == nil {
		return nil
	}
	return putValueList(w, vals)
}

// readColumnsAndRows reads the Has*ColumnsAndRows byte and, when set, a
// LargePropertyTagArray, a u32 RowCount and that many
// AddressBookPropertyRows (MS-OXCMAPIHTTP 2.2.1.7) for those columns.
func readColumnsAndRows(r *mapi.Reader) ([]mapi.PropTag, []mapi.PropRow, error) {
	ok, err := r.Present()
	if err != nil || !ok {
		return nil, nil, err
	}
	cols, err := readTags(r)
	if err != nil {
		return nil, nil, err
	}
	n, err := readCount(r, 1)
	if err != nil {
		return nil, nil, err
	}
	rows := make([]mapi.PropRow, n)
	for i := range rows {
		if rows[i], err = r.PropRow(cols); err != nil {
			return nil, nil, err
		}
	}
	return cols, rows, nil
}

func putColumnsAndRows(w *mapi.Writer, cols []mapi.PropTag, rows []mapi.PropRow) error {
	if cols == nil {
		if rows != nil {
			return fmt.Errorf("%d rows without columns", len(rows))
		}
		w.PutPresent(false)
		return nil
	}
	w.PutPresent(true)
	if err := putTags(w, cols); err != nil {
		return err
	}
	if err := putCount(w, len(rows)); err != nil {
		return err
	}
	for _, row := range rows {
		if err := w.PutPropRow(cols, row); err != nil {
			return err
		}
	}
	return nil
}

// readStrings reads a u32 count and that many NUL-terminated strings: 8-bit
// (StringsArray_r, MS-OXNSPI 2.2.7.1) or UTF-16 (WStringsArray_r).
func readStrings(r *mapi.Reader, unicode bool) ([]string, error) {
	min := 1
	if unicode {
		min = 2
	}
	n, err := readCount(r, min)
	if err != nil {
		return nil, err
	}
	s := make([]string, n)
	for i := range s {
		if unicode {
			s[i], err = r.Unicode()
		} else {
			s[i], err = r.String8()
		}
		if err != nil {
			return nil, err
		}
	}
	return s, nil
}

func putStrings(w *mapi.Writer, s []string, unicode bool) error {
	if err := putCount(w, len(s)); err != nil {
		return err
	}
	for _, e := range s {
		if unicode {
			w.PutUnicode(e)
		} else {
			w.PutString8(e)
		}
	}
	return nil
}

func optU32(r *mapi.Reader) (*uint32, error) {
	return readOpt(r, func(r *mapi.Reader) (*uint32, error) {
		v, err := r.Uint32()
		return &v, err
	})
}

func putOptU32(w *mapi.Writer, v *uint32) {
	w.PutPresent(v != nil)
	if v != nil {
		w.PutUint32(*v)
	}
}

// BindRequest is the Bind request body (MS-OXCMAPIHTTP 2.2.5.1.1).
type BindRequest struct {
	Flags           uint32 // fAnonymousLogin 0x20 is the only one looked at
	State           *Stat
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *BindRequest) Decode(b []byte) error {
	return decodeBody(b, AddressBookCodec, "Bind request", func(r *mapi.Reader) error {
		var err error
		if x.Flags, err = r.Uint32(); err != nil {
			return err
		}
		if x.State, err = readOptStat(r); err != nil {
			return err
		}
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *BindRequest) Encode() ([]byte, error) {
	return encodeBody(AddressBookCodec, "Bind request", func(w *mapi.Writer) error {
		w.PutUint32(x.Flags)
		putOptStat(w, x.State)
		return putAux(w, x.AuxiliaryBuffer)
	})
}

// BindResponse is the Bind success response body (MS-OXCMAPIHTTP 2.2.5.1.2).
type BindResponse struct {
	ErrorCode       uint32
	ServerGUID      mapi.GUID
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *BindResponse) Decode(b []byte) error {
	return decodeBody(b, AddressBookCodec, "Bind response", func(r *mapi.Reader) error {
		var err error
		if x.ErrorCode, err = readSuccess(r); err != nil {
			return err
		}
		if x.ServerGUID, err = r.GUID(); err != nil {
			return err
		}
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *BindResponse) Encode() ([]byte, error) {
	return encodeBody(AddressBookCodec, "Bind response", func(w *mapi.Writer) error {
		putSuccess(w, x.ErrorCode)
		w.PutGUID(x.ServerGUID)
		return putAux(w, x.AuxiliaryBuffer)
	})
}

// UnbindRequest is the Unbind request body (MS-OXCMAPIHTTP 2.2.5.2.1).
type UnbindRequest struct {
	Reserved        uint32
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *UnbindRequest) Decode(b []byte) error {
	return decodeBody(b, AddressBookCodec, "Unbind request", func(r *mapi.Reader) error {
		var err error
		if x.Reserved, err = r.Uint32(); err != nil {
			return err
		}
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *UnbindRequest) Encode() ([]byte, error) {
	return encodeBody(AddressBookCodec, "Unbind request", func(w *mapi.Writer) error {
		w.PutUint32(x.Reserved)
		return putAux(w, x.AuxiliaryBuffer)
	})
}

// UnbindResponse is the Unbind success response body (MS-OXCMAPIHTTP
// 2.2.5.2.2).
type UnbindResponse struct {
	ErrorCode       uint32
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *UnbindResponse) Decode(b []byte) error {
	return decodeBody(b, AddressBookCodec, "Unbind response", func(r *mapi.Reader) error {
		var err error
		if x.ErrorCode, err = readSuccess(r); err != nil {
			return err
		}
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *UnbindResponse) Encode() ([]byte, error) {
	return encodeBody(AddressBookCodec, "Unbind response", func(w *mapi.Writer) error {
		putSuccess(w, x.ErrorCode)
		return putAux(w, x.AuxiliaryBuffer)
	})
}

// CompareMIdsRequest is the CompareMIds (CompareMinIds) request body
// (MS-OXCMAPIHTTP 2.2.5.3.1).
type CompareMIdsRequest struct {
	Reserved        uint32
	State           *Stat
	MinimalID1      uint32
	MinimalID2      uint32
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *CompareMIdsRequest) Decode(b []byte) error {
	return decodeBody(b, AddressBookCodec, "CompareMIds request", func(r *mapi.Reader) error {
		var err error
		if x.Reserved, err = r.Uint32(); err != nil {
			return err
		}
		if x.State, err = readOptStat(r); err != nil {
			return err
		}
		if err = readU32s(r, &x.MinimalID1, &x.MinimalID2); err != nil {
			return err
		}
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *CompareMIdsRequest) Encode() ([]byte, error) {
	return encodeBody(AddressBookCodec, "CompareMIds request", func(w *mapi.Writer) error {
		w.PutUint32(x.Reserved)
		putOptStat(w, x.State)
		putU32s(w, x.MinimalID1, x.MinimalID2)
		return putAux(w, x.AuxiliaryBuffer)
	})
}

// CompareMIdsResponse is the CompareMIds success response body
// (MS-OXCMAPIHTTP 2.2.5.3.2).
type CompareMIdsResponse struct {
	ErrorCode       uint32
	Result          int32 // <0, 0, >0 as MinimalID1 precedes, equals, follows MinimalID2
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *CompareMIdsResponse) Decode(b []byte) error {
	return decodeBody(b, AddressBookCodec, "CompareMIds response", func(r *mapi.Reader) error {
		var err error
		if x.ErrorCode, err = readSuccess(r); err != nil {
			return err
		}
		v, err := r.Uint32()
		if err != nil {
			return err
		}
		x.Result = int32(v)
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *CompareMIdsResponse) Encode() ([]byte, error) {
	return encodeBody(AddressBookCodec, "CompareMIds response", func(w *mapi.Writer) error {
		putSuccess(w, x.ErrorCode)
		w.PutUint32(uint32(x.Result))
		return putAux(w, x.AuxiliaryBuffer)
	})
}

// DNToMIdRequest is the DNToMId (DnToMinId) request body (MS-OXCMAPIHTTP
// 2.2.5.4.1); Names is a StringsArray_r of 8-bit DNs.
type DNToMIdRequest struct {
	Reserved        uint32
	Names           []string
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *DNToMIdRequest) Decode(b []byte) error {
	return decodeBody(b, AddressBookCodec, "DNToMId request", func(r *mapi.Reader) error {
		var err error
		if x.Reserved, err = r.Uint32(); err != nil {
			return err
		}
		if x.Names, err = readOpt(r, func(r *mapi.Reader) ([]string, error) { return readStrings(r, false) }); err != nil {
			return err
		}
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *DNToMIdRequest) Encode() ([]byte, error) {
	return encodeBody(AddressBookCodec, "DNToMId request", func(w *mapi.Writer) error {
		w.PutUint32(x.Reserved)
		w.PutPresent(x.Names != nil)
		if x.Names != nil {
			if err := putStrings(w, x.Names, false); err != nil {
				return err
			}
		}
		return putAux(w, x.AuxiliaryBuffer)
	})
}

// DNToMIdResponse is the DNToMId success response body (MS-OXCMAPIHTTP
// 2.2.5.4.2).
type DNToMIdResponse struct {
	ErrorCode       uint32
	MinimalIDs      []uint32
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *DNToMIdResponse) Decode(b []byte) error {
	return decodeBody(b, AddressBookCodec, "DNToMId response", func(r *mapi.Reader) error {
		var err error
		if x.ErrorCode, err = readSuccess(r); err != nil {
			return err
		}
		if x.MinimalIDs, err = readOptMIDs(r); err != nil {
			return err
		}
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *DNToMIdResponse) Encode() ([]byte, error) {
	return encodeBody(AddressBookCodec, "DNToMId response", func(w *mapi.Writer) error {
		putSuccess(w, x.ErrorCode)
		if err := putOptMIDs(w, x.MinimalIDs); err != nil {
			return err
		}
		return putAux(w, x.AuxiliaryBuffer)
	})
}

// GetMatchesRequest is the GetMatches request body (MS-OXCMAPIHTTP
// 2.2.5.5.1).
type GetMatchesRequest struct {
	Reserved             uint32
	State                *Stat
	MinimalIDs           []uint32 // an Explicit Table
	InterfaceOptionFlags uint32
	Filter               *mapi.Restriction
	PropertyName         *PropertyName
	RowCount             uint32
	Columns              []mapi.PropTag
	AuxiliaryBuffer      []byte
}

// Decode reads the body.
func (x *GetMatchesRequest) Decode(b []byte) error {
	return decodeBody(b, AddressBookCodec, "GetMatches request", func(r *mapi.Reader) error {
		var err error
		if x.Reserved, err = r.Uint32(); err != nil {
			return err
		}
		if x.State, err = readOptStat(r); err != nil {
			return err
		}
		if x.MinimalIDs, err = readOptMIDs(r); err != nil {
			return err
		}
		if x.InterfaceOptionFlags, err = r.Uint32(); err != nil {
			return err
		}
		if x.Filter, err = readOpt(r, (*mapi.Reader).Restriction); err != nil {
			return err
		}
		if x.PropertyName, err = readOpt(r, func(r *mapi.Reader) (*PropertyName, error) {
			var pn PropertyName
			var err error
			if pn.GUID, err = r.GUID(); err != nil {
				return nil, err
			}
			pn.ID, err = r.Uint32()
			return &pn, err
		}); err != nil {
			return err
		}
		if x.RowCount, err = r.Uint32(); err != nil {
			return err
		}
		if x.Columns, err = readOptTags(r); err != nil {
			return err
		}
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *GetMatchesRequest) Encode() ([]byte, error) {
	return encodeBody(AddressBookCodec, "GetMatches request", func(w *mapi.Writer) error {
		w.PutUint32(x.Reserved)
		putOptStat(w, x.State)
		if err := putOptMIDs(w, x.MinimalIDs); err != nil {
			return err
		}
		w.PutUint32(x.InterfaceOptionFlags)
		w.PutPresent(x.Filter != nil)
		if x.Filter != nil {
			if err := w.PutRestriction(x.Filter); err != nil {
				return err
			}
		}
		w.PutPresent(x.PropertyName != nil)
		if x.PropertyName != nil {
			w.PutGUID(x.PropertyName.GUID)
			w.PutUint32(x.PropertyName.ID)
		}
		w.PutUint32(x.RowCount)
		if err := putOptTags(w, x.Columns); err != nil {
			return err
		}
		return putAux(w, x.AuxiliaryBuffer)
	})
}

// GetMatchesResponse is the GetMatches success response body
// (MS-OXCMAPIHTTP 2.2.5.5.2). Rows are present exactly when Columns is.
type GetMatchesResponse struct {
	ErrorCode       uint32
	State           *Stat
	MinimalIDs      []uint32
	Columns         []mapi.PropTag
	Rows            []mapi.PropRow
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *GetMatchesResponse) Decode(b []byte) error {
	return decodeBody(b, AddressBookCodec, "GetMatches response", func(r *mapi.Reader) error {
		var err error
		if x.ErrorCode, err = readSuccess(r); err != nil {
			return err
		}
		if x.State, err = readOptStat(r); err != nil {
			return err
		}
		if x.MinimalIDs, err = readOptMIDs(r); err != nil {
			return err
		}
		if x.Columns, x.Rows, err = readColumnsAndRows(r); err != nil {
			return err
		}
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *GetMatchesResponse) Encode() ([]byte, error) {
	return encodeBody(AddressBookCodec, "GetMatches response", func(w *mapi.Writer) error {
		putSuccess(w, x.ErrorCode)
		putOptStat(w, x.State)
		if err := putOptMIDs(w, x.MinimalIDs); err != nil {
			return err
		}
		if err := putColumnsAndRows(w, x.Columns, x.Rows); err != nil {
			return err
		}
		return putAux(w, x.AuxiliaryBuffer)
	})
}

// GetPropListRequest is the GetPropList request body (MS-OXCMAPIHTTP
// 2.2.5.6.1).
type GetPropListRequest struct {
	Flags           uint32 // fSkipObjects 0x1
	MinimalID       uint32
	CodePage        uint32
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *GetPropListRequest) Decode(b []byte) error {
	return decodeBody(b, AddressBookCodec, "GetPropList request", func(r *mapi.Reader) error {
		if err := readU32s(r, &x.Flags, &x.MinimalID, &x.CodePage); err != nil {
			return err
		}
		var err error
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *GetPropListRequest) Encode() ([]byte, error) {
	return encodeBody(AddressBookCodec, "GetPropList request", func(w *mapi.Writer) error {
		putU32s(w, x.Flags, x.MinimalID, x.CodePage)
		return putAux(w, x.AuxiliaryBuffer)
	})
}

// GetPropListResponse is the GetPropList success response body
// (MS-OXCMAPIHTTP 2.2.5.6.2).
type GetPropListResponse struct {
	ErrorCode       uint32
	PropertyTags    []mapi.PropTag
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *GetPropListResponse) Decode(b []byte) error {
	return decodeBody(b, AddressBookCodec, "GetPropList response", func(r *mapi.Reader) error {
		var err error
		if x.ErrorCode, err = readSuccess(r); err != nil {
			return err
		}
		if x.PropertyTags, err = readOptTags(r); err != nil {
			return err
		}
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *GetPropListResponse) Encode() ([]byte, error) {
	return encodeBody(AddressBookCodec, "GetPropList response", func(w *mapi.Writer) error {
		putSuccess(w, x.ErrorCode)
		if err := putOptTags(w, x.PropertyTags); err != nil {
			return err
		}
		return putAux(w, x.AuxiliaryBuffer)
	})
}

// GetPropsRequest is the GetProps request body (MS-OXCMAPIHTTP 2.2.5.7.1).
type GetPropsRequest struct {
	Flags           uint32 // fSkipObjects 0x1, fEphID 0x2
	State           *Stat
	PropertyTags    []mapi.PropTag
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *GetPropsRequest) Decode(b []byte) error {
	return decodeBody(b, AddressBookCodec, "GetProps request", func(r *mapi.Reader) error {
		var err error
		if x.Flags, err = r.Uint32(); err != nil {
			return err
		}
		if x.State, err = readOptStat(r); err != nil {
			return err
		}
		if x.PropertyTags, err = readOptTags(r); err != nil {
			return err
		}
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *GetPropsRequest) Encode() ([]byte, error) {
	return encodeBody(AddressBookCodec, "GetProps request", func(w *mapi.Writer) error {
		w.PutUint32(x.Flags)
		putOptStat(w, x.State)
		if err := putOptTags(w, x.PropertyTags); err != nil {
			return err
		}
		return putAux(w, x.AuxiliaryBuffer)
	})
}

// GetPropsResponse is the GetProps success response body (MS-OXCMAPIHTTP
// 2.2.5.7.2).
type GetPropsResponse struct {
	ErrorCode       uint32
	CodePage        uint32
	PropertyValues  []mapi.PropVal // an AddressBookPropertyValueList
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *GetPropsResponse) Decode(b []byte) error {
	return decodeBody(b, AddressBookCodec, "GetProps response", func(r *mapi.Reader) error {
		var err error
		if x.ErrorCode, err = readSuccess(r); err != nil {
			return err
		}
		if x.CodePage, err = r.Uint32(); err != nil {
			return err
		}
		if x.PropertyValues, err = readOptValueList(r); err != nil {
			return err
		}
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *GetPropsResponse) Encode() ([]byte, error) {
	return encodeBody(AddressBookCodec, "GetProps response", func(w *mapi.Writer) error {
		putSuccess(w, x.ErrorCode)
		w.PutUint32(x.CodePage)
		if err := putOptValueList(w, x.PropertyValues); err != nil {
			return err
		}
		return putAux(w, x.AuxiliaryBuffer)
	})
}

// GetSpecialTableRequest is the GetSpecialTable request body
// (MS-OXCMAPIHTTP 2.2.5.8.1).
type GetSpecialTableRequest struct {
	Flags           uint32 // NspiAddressCreationTemplates 0x2, NspiUnicodeStrings 0x4
	State           *Stat
	Version         *uint32
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *GetSpecialTableRequest) Decode(b []byte) error {
	return decodeBody(b, AddressBookCodec, "GetSpecialTable request", func(r *mapi.Reader) error {
		var err error
		if x.Flags, err = r.Uint32(); err != nil {
			return err
		}
		if x.State, err = readOptStat(r); err != nil {
			return err
		}
		if x.Version, err = optU32(r); err != nil {
			return err
		}
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *GetSpecialTableRequest) Encode() ([]byte, error) {
	return encodeBody(AddressBookCodec, "GetSpecialTable request", func(w *mapi.Writer) error {
		w.PutUint32(x.Flags)
		putOptStat(w, x.State)
		putOptU32(w, x.Version)
		return putAux(w, x.AuxiliaryBuffer)
	})
}

// GetSpecialTableResponse is the GetSpecialTable success response body
// (MS-OXCMAPIHTTP 2.2.5.8.2); each row is an AddressBookPropertyValueList.
type GetSpecialTableResponse struct {
	ErrorCode       uint32
	CodePage        uint32
	Version         *uint32
	Rows            [][]mapi.PropVal
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *GetSpecialTableResponse) Decode(b []byte) error {
	return decodeBody(b, AddressBookCodec, "GetSpecialTable response", func(r *mapi.Reader) error {
		var err error
		if x.ErrorCode, err = readSuccess(r); err != nil {
			return err
		}
		if x.CodePage, err = r.Uint32(); err != nil {
			return err
		}
		if x.Version, err = optU32(r); err != nil {
			return err
		}
		if x.Rows, err = readOpt(r, func(r *mapi.Reader) ([][]mapi.PropVal, error) {
			n, err := readCount(r, 4)
			if err != nil {
				return nil, err
			}
			rows := make([][]mapi.PropVal, n)
			for i := range rows {
				if rows[i], err = readValueList(r); err != nil {
					return nil, err
				}
			}
			return rows, nil
		}); err != nil {
			return err
		}
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *GetSpecialTableResponse) Encode() ([]byte, error) {
	return encodeBody(AddressBookCodec, "GetSpecialTable response", func(w *mapi.Writer) error {
		putSuccess(w, x.ErrorCode)
		w.PutUint32(x.CodePage)
		putOptU32(w, x.Version)
		w.PutPresent(x.Rows != nil)
		if x.Rows != nil {
			if err := putCount(w, len(x.Rows)); err != nil {
				return err
			}
			for _, row := range x.Rows {
				if err := putValueList(w, row); err != nil {
					return err
				}
			}
		}
		return putAux(w, x.AuxiliaryBuffer)
	})
}

// GetTemplateInfoRequest is the GetTemplateInfo request body
// (MS-OXCMAPIHTTP 2.2.5.9.1); TemplateDN is a NUL-terminated 8-bit string.
type GetTemplateInfoRequest struct {
	Flags           uint32 // TI_TEMPLATE 0x1, TI_SCRIPT 0x4, TI_EMT 0x10, TI_HELPFILE_NAME 0x20, TI_HELPFILE_CONTENTS 0x40
	DisplayType     uint32
	TemplateDN      *string
	CodePage        uint32
	LocaleID        uint32
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *GetTemplateInfoRequest) Decode(b []byte) error {
	return decodeBody(b, AddressBookCodec, "GetTemplateInfo request", func(r *mapi.Reader) error {
		if err := readU32s(r, &x.Flags, &x.DisplayType); err != nil {
			return err
		}
		var err error
		if x.TemplateDN, err = readOpt(r, func(r *mapi.Reader) (*string, error) {
			s, err := r.String8()
			return &s, err
		}); err != nil {
			return err
		}
		if err = readU32s(r, &x.CodePage, &x.LocaleID); err != nil {
			return err
		}
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *GetTemplateInfoRequest) Encode() ([]byte, error) {
	return encodeBody(AddressBookCodec, "GetTemplateInfo request", func(w *mapi.Writer) error {
		putU32s(w, x.Flags, x.DisplayType)
		w.PutPresent(x.TemplateDN != nil)
		if x.TemplateDN != nil {
			w.PutString8(*x.TemplateDN)
		}
		putU32s(w, x.CodePage, x.LocaleID)
		return putAux(w, x.AuxiliaryBuffer)
	})
}

// GetTemplateInfoResponse is the GetTemplateInfo success response body
// (MS-OXCMAPIHTTP 2.2.5.9.2).
type GetTemplateInfoResponse struct {
	ErrorCode       uint32
	CodePage        uint32
	Row             []mapi.PropVal // an AddressBookPropertyValueList
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *GetTemplateInfoResponse) Decode(b []byte) error {
	return decodeBody(b, AddressBookCodec, "GetTemplateInfo response", func(r *mapi.Reader) error {
		var err error
		if x.ErrorCode, err = readSuccess(r); err != nil {
			return err
		}
		if x.CodePage, err = r.Uint32(); err != nil {
			return err
		}
		if x.Row, err = readOptValueList(r); err != nil {
			return err
		}
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *GetTemplateInfoResponse) Encode() ([]byte, error) {
	return encodeBody(AddressBookCodec, "GetTemplateInfo response", func(w *mapi.Writer) error {
		putSuccess(w, x.ErrorCode)
		w.PutUint32(x.CodePage)
		if err := putOptValueList(w, x.Row); err != nil {
			return err
		}
		return putAux(w, x.AuxiliaryBuffer)
	})
}

// QueryRowsRequest is the QueryRows request body (MS-OXCMAPIHTTP
// 2.2.5.12.1); the ExplicitTable has no Has* byte.
type QueryRowsRequest struct {
	Flags           uint32 // fSkipObjects 0x1, fEphID 0x2
	State           *Stat
	ExplicitTable   []uint32
	RowCount        uint32
	Columns         []mapi.PropTag
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *QueryRowsRequest) Decode(b []byte) error {
	return decodeBody(b, AddressBookCodec, "QueryRows request", func(r *mapi.Reader) error {
		var err error
		if x.Flags, err = r.Uint32(); err != nil {
			return err
		}
		if x.State, err = readOptStat(r); err != nil {
			return err
		}
		if x.ExplicitTable, err = readMIDs(r); err != nil {
			return err
		}
		if x.RowCount, err = r.Uint32(); err != nil {
			return err
		}
		if x.Columns, err = readOptTags(r); err != nil {
			return err
		}
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *QueryRowsRequest) Encode() ([]byte, error) {
	return encodeBody(AddressBookCodec, "QueryRows request", func(w *mapi.Writer) error {
		w.PutUint32(x.Flags)
		putOptStat(w, x.State)
		if err := putMIDs(w, x.ExplicitTable); err != nil {
			return err
		}
		w.PutUint32(x.RowCount)
		if err := putOptTags(w, x.Columns); err != nil {
			return err
		}
		return putAux(w, x.AuxiliaryBuffer)
	})
}

// QueryRowsResponse is the QueryRows success response body
// (MS-OXCMAPIHTTP 2.2.5.12.2).
type QueryRowsResponse struct {
	ErrorCode       uint32
	State           *Stat
	Columns         []mapi.PropTag
	Rows            []mapi.PropRow
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *QueryRowsResponse) Decode(b []byte) error { return x.decode(b, "QueryRows response") }

// Encode writes the body.
func (x *QueryRowsResponse) Encode() ([]byte, error) { return x.encode("QueryRows response") }

// decode and encode serve QueryRows and SeekEntries, whose success bodies
// have the same fields.
func (x *QueryRowsResponse) decode(b []byte, what string) error {
	return decodeBody(b, AddressBookCodec, what, func(r *mapi.Reader) error {
		var err error
		if x.ErrorCode, err = readSuccess(r); err != nil {
			return err
		}
		if x.State, err = readOptStat(r); err != nil {
			return err
		}
		if x.Columns, x.Rows, err = readColumnsAndRows(r); err != nil {
			return err
		}
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

func (x *QueryRowsResponse) encode(what string) ([]byte, error) {
	return encodeBody(AddressBookCodec, what, func(w *mapi.Writer) error {
		putSuccess(w, x.ErrorCode)
		putOptStat(w, x.State)
		if err := putColumnsAndRows(w, x.Columns, x.Rows); err != nil {
			return err
		}
		return putAux(w, x.AuxiliaryBuffer)
	})
}

// QueryColumnsRequest is the QueryColumns request body (MS-OXCMAPIHTTP
// 2.2.5.13.1).
type QueryColumnsRequest struct {
	Reserved        uint32
	MapiFlags       uint32 // NspiUnicodeProptypes 0x80000000
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *QueryColumnsRequest) Decode(b []byte) error {
	return decodeBody(b, AddressBookCodec, "QueryColumns request", func(r *mapi.Reader) error {
		if err := readU32s(r, &x.Reserved, &x.MapiFlags); err != nil {
			return err
		}
		var err error
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *QueryColumnsRequest) Encode() ([]byte, error) {
	return encodeBody(AddressBookCodec, "QueryColumns request", func(w *mapi.Writer) error {
		putU32s(w, x.Reserved, x.MapiFlags)
		return putAux(w, x.AuxiliaryBuffer)
	})
}

// QueryColumnsResponse is the QueryColumns success response body
// (MS-OXCMAPIHTTP 2.2.5.13.2).
type QueryColumnsResponse struct {
	ErrorCode       uint32
	Columns         []mapi.PropTag
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *QueryColumnsResponse) Decode(b []byte) error {
	return decodeBody(b, AddressBookCodec, "QueryColumns response", func(r *mapi.Reader) error {
		var err error
		if x.ErrorCode, err = readSuccess(r); err != nil {
			return err
		}
		if x.Columns, err = readOptTags(r); err != nil {
			return err
		}
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *QueryColumnsResponse) Encode() ([]byte, error) {
	return encodeBody(AddressBookCodec, "QueryColumns response", func(w *mapi.Writer) error {
		putSuccess(w, x.ErrorCode)
		if err := putOptTags(w, x.Columns); err != nil {
			return err
		}
		return putAux(w, x.AuxiliaryBuffer)
	})
}

// ResolveNamesRequest is the ResolveNames request body (MS-OXCMAPIHTTP
// 2.2.5.14.1); Names are NUL-terminated UTF-16 strings.
type ResolveNamesRequest struct {
	Reserved        uint32
	State           *Stat
	PropertyTags    []mapi.PropTag
	Names           []string
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *ResolveNamesRequest) Decode(b []byte) error {
	return decodeBody(b, AddressBookCodec, "ResolveNames request", func(r *mapi.Reader) error {
		var err error
		if x.Reserved, err = r.Uint32(); err != nil {
			return err
		}
		if x.State, err = readOptStat(r); err != nil {
			return err
		}
		if x.PropertyTags, err = readOptTags(r); err != nil {
			return err
		}
		if x.Names, err = readOpt(r, func(r *mapi.Reader) ([]string, error) { return readStrings(r, true) }); err != nil {
			return err
		}
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *ResolveNamesRequest) Encode() ([]byte, error) {
	return encodeBody(AddressBookCodec, "ResolveNames request", func(w *mapi.Writer) error {
		w.PutUint32(x.Reserved)
		putOptStat(w, x.State)
		if err := putOptTags(w, x.PropertyTags); err != nil {
			return err
		}
		w.PutPresent(x.Names != nil)
		if x.Names != nil {
			if err := putStrings(w, x.Names, true); err != nil {
				return err
			}
		}
		return putAux(w, x.AuxiliaryBuffer)
	})
}

// ResolveNamesResponse is the ResolveNames success response body
// (MS-OXCMAPIHTTP 2.2.5.14.2).
type ResolveNamesResponse struct {
	ErrorCode       uint32
	CodePage        uint32
	MinimalIDs      []uint32
	PropertyTags    []mapi.PropTag
	Rows            []mapi.PropRow
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *ResolveNamesResponse) Decode(b []byte) error {
	return decodeBody(b, AddressBookCodec, "ResolveNames response", func(r *mapi.Reader) error {
		var err error
		if x.ErrorCode, err = readSuccess(r); err != nil {
			return err
		}
		if x.CodePage, err = r.Uint32(); err != nil {
			return err
		}
		if x.MinimalIDs, err = readOptMIDs(r); err != nil {
			return err
		}
		if x.PropertyTags, x.Rows, err = readColumnsAndRows(r); err != nil {
			return err
		}
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *ResolveNamesResponse) Encode() ([]byte, error) {
	return encodeBody(AddressBookCodec, "ResolveNames response", func(w *mapi.Writer) error {
		putSuccess(w, x.ErrorCode)
		w.PutUint32(x.CodePage)
		if err := putOptMIDs(w, x.MinimalIDs); err != nil {
			return err
		}
		if err := putColumnsAndRows(w, x.PropertyTags, x.Rows); err != nil {
			return err
		}
		return putAux(w, x.AuxiliaryBuffer)
	})
}

// SeekEntriesRequest is the SeekEntries request body (MS-OXCMAPIHTTP
// 2.2.5.16.1); Target is an AddressBookTaggedPropertyValue.
type SeekEntriesRequest struct {
	Reserved        uint32
	State           *Stat
	Target          *mapi.PropVal
	ExplicitTable   []uint32
	Columns         []mapi.PropTag
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *SeekEntriesRequest) Decode(b []byte) error {
	return decodeBody(b, AddressBookCodec, "SeekEntries request", func(r *mapi.Reader) error {
		var err error
		if x.Reserved, err = r.Uint32(); err != nil {
			return err
		}
		if x.State, err = readOptStat(r); err != nil {
			return err
		}
		if x.Target, err = readOpt(r, func(r *mapi.Reader) (*mapi.PropVal, error) {
			pv, err := r.PropVal()
			return &pv, err
		}); err != nil {
			return err
		}
		if x.ExplicitTable, err = readOptMIDs(r); err != nil {
			return err
		}
		if x.Columns, err = readOptTags(r); err != nil {
			return err
		}
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *SeekEntriesRequest) Encode() ([]byte, error) {
	return encodeBody(AddressBookCodec, "SeekEntries request", func(w *mapi.Writer) error {
		w.PutUint32(x.Reserved)
		putOptStat(w, x.State)
		w.PutPresent(x.Target != nil)
		if x.Target != nil {
			if err := w.PutPropVal(*x.Target); err != nil {
				return err
			}
		}
		if err := putOptMIDs(w, x.ExplicitTable); err != nil {
			return err
		}
		if err := putOptTags(w, x.Columns); err != nil {
			return err
		}
		return putAux(w, x.AuxiliaryBuffer)
	})
}

// SeekEntriesResponse is the SeekEntries success response body
// (MS-OXCMAPIHTTP 2.2.5.16.2): the fields of QueryRows's.
type SeekEntriesResponse QueryRowsResponse

// Decode reads the body.
func (x *SeekEntriesResponse) Decode(b []byte) error {
	return (*QueryRowsResponse)(x).decode(b, "SeekEntries response")
}

// Encode writes the body.
func (x *SeekEntriesResponse) Encode() ([]byte, error) {
	return (*QueryRowsResponse)(x).encode("SeekEntries response")
}

// UpdateStatRequest is the UpdateStat request body (MS-OXCMAPIHTTP
// 2.2.5.17.1).
type UpdateStatRequest struct {
	Reserved        uint32
	State           *Stat
	DeltaRequested  bool
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *UpdateStatRequest) Decode(b []byte) error {
	return decodeBody(b, AddressBookCodec, "UpdateStat request", func(r *mapi.Reader) error {
		var err error
		if x.Reserved, err = r.Uint32(); err != nil {
			return err
		}
		if x.State, err = readOptStat(r); err != nil {
			return err
		}
		if x.DeltaRequested, err = r.Present(); err != nil { // nonzero requests it
			return err
		}
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *UpdateStatRequest) Encode() ([]byte, error) {
	return encodeBody(AddressBookCodec, "UpdateStat request", func(w *mapi.Writer) error {
		w.PutUint32(x.Reserved)
		putOptStat(w, x.State)
		w.PutPresent(x.DeltaRequested)
		return putAux(w, x.AuxiliaryBuffer)
	})
}

// UpdateStatResponse is the UpdateStat success response body
// (MS-OXCMAPIHTTP 2.2.5.17.2).
type UpdateStatResponse struct {
	ErrorCode       uint32
	State           *Stat
	Delta           *int32
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *UpdateStatResponse) Decode(b []byte) error {
	return decodeBody(b, AddressBookCodec, "UpdateStat response", func(r *mapi.Reader) error {
		var err error
		if x.ErrorCode, err = readSuccess(r); err != nil {
			return err
		}
		if x.State, err = readOptStat(r); err != nil {
			return err
		}
		if x.Delta, err = readOpt(r, func(r *mapi.Reader) (*int32, error) {
			v, err := r.Uint32()
			d := int32(v)
			return &d, err
		}); err != nil {
			return err
		}
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *UpdateStatResponse) Encode() ([]byte, error) {
	return encodeBody(AddressBookCodec, "UpdateStat response", func(w *mapi.Writer) error {
		putSuccess(w, x.ErrorCode)
		putOptStat(w, x.State)
		w.PutPresent(x.Delta != nil)
		if x.Delta != nil {
			w.PutUint32(uint32(*x.Delta))
		}
		return putAux(w, x.AuxiliaryBuffer)
	})
}

// GetMailboxURLRequest is the GetMailboxUrl request body (MS-OXCMAPIHTTP
// 2.2.5.18.1); ServerDN is NUL-terminated UTF-16.
type GetMailboxURLRequest struct {
	Flags           uint32 // not used
	ServerDN        string
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *GetMailboxURLRequest) Decode(b []byte) error {
	return decodeURLRequest(b, "GetMailboxUrl request", &x.Flags, &x.ServerDN, &x.AuxiliaryBuffer)
}

// Encode writes the body.
func (x *GetMailboxURLRequest) Encode() ([]byte, error) {
	return encodeURLRequest("GetMailboxUrl request", x.Flags, x.ServerDN, x.AuxiliaryBuffer)
}

// GetAddressBookURLRequest is the GetAddressBookUrl request body
// (MS-OXCMAPIHTTP 2.2.5.19.1); UserDN is NUL-terminated UTF-16.
type GetAddressBookURLRequest struct {
	Flags           uint32 // not used
	UserDN          string
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *GetAddressBookURLRequest) Decode(b []byte) error {
	return decodeURLRequest(b, "GetAddressBookUrl request", &x.Flags, &x.UserDN, &x.AuxiliaryBuffer)
}

// Encode writes the body.
func (x *GetAddressBookURLRequest) Encode() ([]byte, error) {
	return encodeURLRequest("GetAddressBookUrl request", x.Flags, x.UserDN, x.AuxiliaryBuffer)
}

// URLResponse is the success response body of GetMailboxUrl and
// GetAddressBookUrl (MS-OXCMAPIHTTP 2.2.5.18.2, 2.2.5.19.2); ServerURL is
// NUL-terminated UTF-16.
type URLResponse struct {
	ErrorCode       uint32
	ServerURL       string
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *URLResponse) Decode(b []byte) error {
	return decodeBody(b, AddressBookCodec, "URL response", func(r *mapi.Reader) error {
		var err error
		if x.ErrorCode, err = readSuccess(r); err != nil {
			return err
		}
		if x.ServerURL, err = r.Unicode(); err != nil {
			return err
		}
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *URLResponse) Encode() ([]byte, error) {
	return encodeBody(AddressBookCodec, "URL response", func(w *mapi.Writer) error {
		putSuccess(w, x.ErrorCode)
		w.PutUnicode(x.ServerURL)
		return putAux(w, x.AuxiliaryBuffer)
	})
}

func decodeURLRequest(b []byte, what string, flags *uint32, dn *string, aux *[]byte) error {
	return decodeBody(b, AddressBookCodec, what, func(r *mapi.Reader) error {
		var err error
		if *flags, err = r.Uint32(); err != nil {
			return err
		}
		if *dn, err = r.Unicode(); err != nil {
			return err
		}
		*aux, err = readAux(r)
		return err
	})
}

func encodeURLRequest(what string, flags uint32, dn string, aux []byte) ([]byte, error) {
	return encodeBody(AddressBookCodec, what, func(w *mapi.Writer) error {
		w.PutUint32(flags)
		w.PutUnicode(dn)
		return putAux(w, aux)
	})
}

// ResortRestrictionRequest is the ResortRestriction request body
// (MS-OXCMAPIHTTP 2.2.5.15.1): MinimalIDs is the list of objects to sort.
type ResortRestrictionRequest struct {
	Reserved        uint32
	State           *Stat
	MinimalIDs      []uint32
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *ResortRestrictionRequest) Decode(b []byte) error {
	return decodeBody(b, AddressBookCodec, "ResortRestriction request", func(r *mapi.Reader) error {
		var err error
		if x.Reserved, err = r.Uint32(); err != nil {
			return err
		}
		if x.State, err = readOptStat(r); err != nil {
			return err
		}
		if x.MinimalIDs, err = readOptMIDs(r); err != nil {
			return err
		}
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *ResortRestrictionRequest) Encode() ([]byte, error) {
	return encodeBody(AddressBookCodec, "ResortRestriction request", func(w *mapi.Writer) error {
		w.PutUint32(x.Reserved)
		putOptStat(w, x.State)
		if err := putOptMIDs(w, x.MinimalIDs); err != nil {
			return err
		}
		return putAux(w, x.AuxiliaryBuffer)
	})
}

// ResortRestrictionResponse is the ResortRestriction success response body
// (MS-OXCMAPIHTTP 2.2.5.15.2).
type ResortRestrictionResponse struct {
	ErrorCode       uint32
	State           *Stat
	MinimalIDs      []uint32
	AuxiliaryBuffer []byte
}

// Decode reads the body.
func (x *ResortRestrictionResponse) Decode(b []byte) error {
	return decodeBody(b, AddressBookCodec, "ResortRestriction response", func(r *mapi.Reader) error {
		var err error
		if x.ErrorCode, err = readSuccess(r); err != nil {
			return err
		}
		if x.State, err = readOptStat(r); err != nil {
			return err
		}
		if x.MinimalIDs, err = readOptMIDs(r); err != nil {
			return err
		}
		x.AuxiliaryBuffer, err = readAux(r)
		return err
	})
}

// Encode writes the body.
func (x *ResortRestrictionResponse) Encode() ([]byte, error) {
	return encodeBody(AddressBookCodec, "ResortRestriction response", func(w *mapi.Writer) error {
		putSuccess(w, x.ErrorCode)
		putOptStat(w, x.State)
		if err := putOptMIDs(w, x.MinimalIDs); err != nil {
			return err
		}
		return putAux(w, x.AuxiliaryBuffer)
	})
}
