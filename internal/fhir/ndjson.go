package fhir

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"

	"github.com/joinedup/joinedup/internal/care"
)

// MaxLineBytes bounds one line of NDJSON. A Patient is a few kilobytes; a
// longer line is reported and skipped rather than held in memory.
const MaxLineBytes = 1 << 20

// PatientLine is one line of a Bulk Data NDJSON file of Patient resources.
// When Err is set (kind Invalid, its message saying why in words an
// operator can act on) the line cannot be imported, and Registration holds
// what could be read.
type PatientLine struct {
	// Line is the line's number in the file, from 1.
	Line int
	Registration
	Err error
}

// ReadPatients streams FHIR Bulk Data NDJSON (one JSON resource on each
// line, as a GP system's $export writes Patient.ndjson) and calls fn for
// every line that is not blank, in file order, with the resource mapped by
// PersonFromPatient. A line that is not JSON, not a Patient, or a Patient
// that cannot be imported is passed with Err set, and reading carries on.
//
// Only a read error, an error from fn, or a first line that is not a whole
// JSON value (a pretty-printed resource or a JSON array is not NDJSON)
// stops it; the last is an error of kind Invalid.
func ReadPatients(r io.Reader, fn func(PatientLine) error) error {
	br := bufio.NewReaderSize(r, 256<<10)
	var long []byte
	first := true
	for n := 1; ; n++ {
		line, err := br.ReadSlice('\n')
		tooLong := false
		if errors.Is(err, bufio.ErrBufferFull) {
			// Gather the rest of a line longer than the buffer, up to the
			// limit; past it, skip to the line's end.
			long = append(long[:0], line...)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = br.ReadSlice('\n')
				if len(long)+len(line) > MaxLineBytes {
					tooLong = true
				}
				if !tooLong {
					long = append(long, line...)
				}
			}
			line = long
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("reading line %d: %w", n, err)
		}
		atEOF := err != nil
		line = bytes.TrimSpace(line)
		switch {
		case tooLong:
			if err := fn(PatientLine{Line: n, Err: care.Errorf(care.KindInvalid, "the line is longer than %d bytes", MaxLineBytes)}); err != nil {
				return err
			}
			first = false
		case len(line) > 0:
			pl := PatientLine{Line: n}
			var p Patient
			if err := json.Unmarshal(line, &p); err != nil && (p.ResourceType == "" || p.ResourceType == "Patient") {
				if first && isSyntaxError(err) {
					return care.Errorf(care.KindInvalid,
						"Line %d is not a whole JSON value, so this is not NDJSON: FHIR Bulk Data puts one resource on each line (%s).", n, jsonReason(err))
				}
				pl.Err = care.Errorf(care.KindInvalid, "%s", jsonReason(err))
			} else {
				pl.Registration, pl.Err = PersonFromPatient(p)
			}
			first = false
			if err := fn(pl); err != nil {
				return err
			}
		}
		if atEOF {
			return nil
		}
	}
}

func isSyntaxError(err error) bool {
	var se *json.SyntaxError
	return errors.As(err, &se)
}

// jsonReason describes a decoding error without repeating the data.
func jsonReason(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("it is not valid JSON: %s at byte %d", se.Error(), se.Offset)
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			return fmt.Sprintf("it is a JSON %s, not an object", te.Value)
		}
		return fmt.Sprintf("%s is a JSON %s where FHIR has %s", clip(field), te.Value, fhirKind(te.Type))
	default:
		return "it is not valid JSON"
	}
}

// fhirKind names what a Go type stands for in FHIR's JSON.
func fhirKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Slice:
		return "a list"
	case reflect.Struct, reflect.Pointer:
		if t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Bool {
			return "true or false"
		}
		return "an object"
	case reflect.Bool:
		return "true or false"
	case reflect.Int:
		return "a number"
	default:
		return "a string"
	}
}
