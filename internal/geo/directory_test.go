package geo

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"
	"unsafe"

	"github.com/joinedup/joinedup/internal/care"
)

func readAll(t testing.TB, r io.Reader) ([]PostcodeRecord, ImportReport, error) {
	t.Helper()
	var recs []PostcodeRecord
	rep, err := ReadPostcodeDirectory(r, func(pr PostcodeRecord) error {
		recs = append(recs, pr)
		return nil
	})
	return recs, rep, err
}

func TestReadPostcodeDirectoryFixtures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file   string
		format Format
	}{
		{"onspd.csv", FormatONSPD},
		{"nspl.csv", FormatNSPL},
		{"nspl-2026.csv", FormatNSPL},
	}
	want := []PostcodeRecord{
		{Row: 2, Postcode: mustPostcode(t, "E8 1DY"), LatLon: LatLon{51.545118, -0.055893}, HasLatLon: true, LocalAuthority: "E09000012", Ward: "E05009372"},
		{Row: 3, Postcode: mustPostcode(t, "E8 3PB"), LatLon: LatLon{51.538760, -0.072540}, HasLatLon: true, LocalAuthority: "E09000012", Ward: "E05009379"},
		{Row: 4, Postcode: mustPostcode(t, "CR0 1NX"), LatLon: LatLon{51.375201, -0.098437}, HasLatLon: true, LocalAuthority: "E09000008", Ward: "E05011476"},
		{Row: 5, Postcode: mustPostcode(t, "SE13 6LH"), LatLon: LatLon{51.461302, -0.010872}, HasLatLon: true, LocalAuthority: "E09000023", Ward: "E05013728"},
		// Row 6 is terminated.
		{Row: 7, Postcode: mustPostcode(t, "E20 9ZZ"), LocalAuthority: "E09000025", Ward: "E05013923"},
		{Row: 8, Postcode: mustPostcode(t, "GY1 1AA"), LatLon: LatLon{49.457218, -2.536377}, HasLatLon: true},
		// Rows 9 and 10 are rejected.
		{Row: 11, Postcode: mustPostcode(t, "SW1A 1AA"), LatLon: LatLon{51.501009, -0.141588}, HasLatLon: true, LocalAuthority: "E09000033", Ward: "E05013806"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open("testdata/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			recs, rep, err := readAll(t, f)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Format != tt.format {
				t.Errorf("Format = %v, want %v", rep.Format, tt.format)
			}
			if rep.Rows != 10 || rep.Imported != 7 || rep.NoLocation != 1 || rep.Terminated != 1 || rep.RejectedCount != 2 {
				t.Errorf("report = %+v", rep)
			}
			if len(recs) != len(want) {
				t.Fatalf("got %d records, want %d", len(recs), len(want))
			}
			for i := range want {
				if recs[i] != want[i] {
					t.Errorf("record %d = %+v, want %+v", i, recs[i], want[i])
				}
			}
			if len(rep.Rejected) != 2 || rep.Rejected[0].Row != 9 || rep.Rejected[1].Row != 10 ||
				!strings.Contains(rep.Rejected[0].Reason, `"E8 1CV" is not a valid UK postcode`) ||
				!strings.Contains(rep.Rejected[1].Reason, `lat "fifty" is not a number`) {
				t.Errorf("Rejected = %+v", rep.Rejected)
			}
		})
	}
}

// onspdHeader is the ONSPD header as published in 2023 and 2024.
const onspdHeader = "pcd,pcd2,pcds,dointr,doterm,oscty,ced,oslaua,osward,parish,usertype,oseast1m,osnrth1m,osgrdind,oshlthau,nhser,ctry,rgn,streg,pcon,eer,teclec,ttwa,pct,itl,statsward,oa01,casward,npark,lsoa01,msoa01,ur01ind,oac01,oa11,lsoa11,msoa11,wz11,sicbl,bua11,buasd11,ru11ind,oac11,lat,long,lep1,lep2,pfa,imd,calncv,icb,oa21,lsoa21,msoa21"

// onspdRow renders one row in onspdHeader's layout, quoted as ONS quotes it.
func onspdRow(pcds, doterm, la, ward, lat, long string) string {
	var b strings.Builder
	for i, h := range strings.Split(onspdHeader, ",") {
		if i > 0 {
			b.WriteByte(',')
		}
		v := "E99999999"
		switch h {
		case "pcd", "pcd2", "pcds":
			v = pcds
		case "dointr":
			v = "198001"
		case "doterm":
			v = doterm
		case "oslaua":
			v = la
		case "osward":
			v = ward
		case "usertype", "osgrdind":
			v = "1"
		case "oseast1m":
			v = "535040"
		case "osnrth1m":
			v = "0184759"
		case "lat":
			b.WriteString(lat)
			continue
		case "long":
			b.WriteString(long)
			continue
		case "imd":
			b.WriteString("4321")
			continue
		}
		b.WriteByte('"')
		b.WriteString(v)
		b.WriteByte('"')
	}
	return b.String()
}

func TestReadPostcodeDirectoryRows(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		row    string
		reason string // empty when the row is imported
		want   PostcodeRecord
	}{
		{"live", onspdRow("E8 1DY", "", "E09000012", "E05009372", "51.545118", "-0.055893"), "",
			PostcodeRecord{Postcode: mustPostcode(t, "E8 1DY"), LatLon: LatLon{51.545118, -0.055893}, HasLatLon: true, LocalAuthority: "E09000012", Ward: "E05009372"}},
		{"seven-character form", onspdRow("E8  1DY", "", "E09000012", "E05009372", "51.545118", "-0.055893"), "",
			PostcodeRecord{Postcode: mustPostcode(t, "E8 1DY"), LatLon: LatLon{51.545118, -0.055893}, HasLatLon: true, LocalAuthority: "E09000012", Ward: "E05009372"}},
		{"no coordinates marker", onspdRow("E8 1DY", "", "E09000012", "E05009372", "99.999999", "0.000000"), "",
			PostcodeRecord{Postcode: mustPostcode(t, "E8 1DY"), LocalAuthority: "E09000012", Ward: "E05009372"}},
		{"empty coordinates", onspdRow("E8 1DY", "", "E09000012", "", "", ""), "",
			PostcodeRecord{Postcode: mustPostcode(t, "E8 1DY"), LocalAuthority: "E09000012"}},
		{"pseudo area codes", onspdRow("JE2 3AB", "", "L99999999", "L99999999", "49.190000", "-2.100000"), "",
			PostcodeRecord{Postcode: mustPostcode(t, "JE2 3AB"), LatLon: LatLon{49.19, -2.1}, HasLatLon: true}},
		{"bad postcode", onspdRow("E8 1DYY", "", "E09000012", "E05009372", "51.5", "-0.05"), `pcds "E8 1DYY" is not a valid UK postcode`, PostcodeRecord{}},
		{"empty postcode", onspdRow("", "", "E09000012", "E05009372", "51.5", "-0.05"), `pcds "" is not a valid UK postcode`, PostcodeRecord{}},
		{"bad latitude", onspdRow("E8 1DY", "", "E09000012", "E05009372", "51.5.1", "-0.05"), `lat "51.5.1" is not a number`, PostcodeRecord{}},
		{"bad longitude", onspdRow("E8 1DY", "", "E09000012", "E05009372", "51.5", "west"), `long "west" is not a number`, PostcodeRecord{}},
		{"NaN", onspdRow("E8 1DY", "", "E09000012", "E05009372", "NaN", "0"), `lat "NaN" is not a number`, PostcodeRecord{}},
		{"latitude out of range", onspdRow("E8 1DY", "", "E09000012", "E05009372", "91", "0"), `is not a place on Earth`, PostcodeRecord{}},
		{"bad local authority", onspdRow("E8 1DY", "", "Hackney", "E05009372", "51.5", "-0.05"), `oslaua "Hackney" is not a GSS local authority code`, PostcodeRecord{}},
		{"old-style local authority", onspdRow("E8 1DY", "", "00AM", "E05009372", "51.5", "-0.05"), `oslaua "00AM"`, PostcodeRecord{}},
		{"bad ward", onspdRow("E8 1DY", "", "E09000012", "E0500937", "51.5", "-0.05"), `osward "E0500937" is not a GSS ward code`, PostcodeRecord{}},
		{"too few columns", `"E8 1DY","E8  1DY","E8 1DY","198001",""`, "it has 5 columns, too few to reach the oslaua column", PostcodeRecord{}},
		{"stray quote", strings.Replace(onspdRow("E8 1DY", "", "E09000012", "E05009372", "51.5", "-0.05"), `"E8 1DY"`, `"E8 "1DY"`, 1), "quotation marks", PostcodeRecord{}},
		{"huge field", onspdRow(strings.Repeat("E8 1DY", 1000), "", "E09000012", "E05009372", "51.5", "-0.05"), `…" is not a valid UK postcode`, PostcodeRecord{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, rep, err := readAll(t, strings.NewReader(onspdHeader+"\n"+tt.row+"\n"))
			if err != nil {
				t.Fatal(err)
			}
			if rep.Rows != 1 {
				t.Fatalf("Rows = %d, want 1", rep.Rows)
			}
			if tt.reason == "" {
				if len(recs) != 1 || rep.Imported != 1 || rep.RejectedCount != 0 {
					t.Fatalf("report %+v, records %+v", rep, recs)
				}
				tt.want.Row = 2
				if recs[0] != tt.want {
					t.Errorf("record = %+v, want %+v", recs[0], tt.want)
				}
				if wantNoLoc := !tt.want.HasLatLon; (rep.NoLocation == 1) != wantNoLoc {
					t.Errorf("NoLocation = %d", rep.NoLocation)
				}
				return
			}
			if len(recs) != 0 || rep.RejectedCount != 1 || len(rep.Rejected) != 1 || rep.Rejected[0].Row != 2 {
				t.Fatalf("report %+v, records %+v", rep, recs)
			}
			if r := rep.Rejected[0].Reason; !strings.Contains(r, tt.reason) || len(r) > 200 {
				t.Errorf("reason = %q, want it to contain %q", r, tt.reason)
			}
		})
	}
}

func TestReadPostcodeDirectoryTerminated(t *testing.T) {
	t.Parallel()
	// A terminated row is skipped whatever else is wrong with it.
	in := onspdHeader + "\n" +
		onspdRow("E8 1DY", "200012", "E09000012", "E05009372", "51.5", "-0.05") + "\n" +
		onspdRow("not a postcode", "201506", "junk", "junk", "junk", "junk") + "\n"
	recs, rep, err := readAll(t, strings.NewReader(in))
	if err != nil || len(recs) != 0 || rep.Rows != 2 || rep.Terminated != 2 || rep.RejectedCount != 0 {
		t.Errorf("records %+v, report %+v, err %v", recs, rep, err)
	}
}

func TestReadPostcodeDirectoryCarriesOnAfterBadRows(t *testing.T) {
	t.Parallel()
	var in strings.Builder
	in.WriteString(onspdHeader + "\r\n")
	for i := range 2500 {
		if i%2 == 0 {
			in.WriteString(onspdRow("E8 1DY", "", "E09000012", "E05009372", "51.545118", "-0.055893"))
		} else {
			in.WriteString(onspdRow("E8 1DY", "", "E09000012", "E05009372", "oops", "-0.055893"))
		}
		in.WriteString("\r\n")
	}
	// An unbalanced quote mid-file costs its own row, not the file.
	in.WriteString(`"E8 1DY",broken"quote` + "\r\n")
	in.WriteString(onspdRow("SW1A 1AA", "", "E09000033", "E05013806", "51.501009", "-0.141588") + "\r\n")

	recs, rep, err := readAll(t, strings.NewReader(in.String()))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows != 2502 || rep.Imported != 1251 || rep.RejectedCount != 1251 || len(rep.Rejected) != MaxStoredRejections {
		t.Errorf("report: rows %d imported %d rejected %d stored %d", rep.Rows, rep.Imported, rep.RejectedCount, len(rep.Rejected))
	}
	if rep.Rejected[0].Row != 3 || rep.Rejected[1].Row != 5 {
		t.Errorf("first rejections %+v, want rows 3 and 5", rep.Rejected[:2])
	}
	if last := recs[len(recs)-1]; last.Postcode.String() != "SW1A 1AA" || last.Row != 2503 {
		t.Errorf("last record = %+v", last)
	}
}

func TestReadPostcodeDirectoryHeader(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		header  string
		format  Format
		missing []string // parts of the error message; nil when the header is accepted
	}{
		{"ONSPD", onspdHeader, FormatONSPD, nil},
		{"NSPL", "pcd,pcd2,pcds,dointr,doterm,usertype,oseast1m,osnrth1m,osgrdind,oa21,cty,ced,laua,ward,nhser,ctry,rgn,pcon,ttwa,itl,park,lsoa21,msoa21,wz11,sicbl,bua22,ru11ind,oac11,lat,long,lep1,lep2,pfa,imd,icb", FormatNSPL, nil},
		{"NSPL 2026", "pcd7,pcd8,pcds,dointr,doterm,usrtypind,east1m,north1m,gridind,oa21cd,cty26cd,ced25cd,lad26cd,wd26cd,nhser24cd,ctry26cd,rgn26cd,pcon24cd,ttwa15cd,itl25cd,npark16cd,lsoa21cd,msoa21cd,wz11cd,sicbl26cd,bua24cd,ruc21ind,oac21ind,lat,long,lep21cd1,lep21cd2,pfa23cd,imd25ind,icb26cd", FormatNSPL, nil},
		{"ONSPD 2025 extract", "pcds,doterm,cty25cd,ced25cd,lad25cd,wd25cd,east1m,north1m,ctry25cd,rgn25cd,pcon24cd,oa11cd,lsoa11cd,msoa11cd,bua24cd,ruc11ind,imd20ind,oa21cd,lsoa21cd,msoa21cd,lat,long", FormatONSPD, nil},
		{"upper case with a byte-order mark", "\ufeffPCD,PCDS,DOTERM,OSLAUA,OSWARD,LAT,LONG", FormatONSPD, nil},
		{"no ward is fine", "pcds,doterm,laua,lat,long", FormatNSPL, nil},
		{"no postcode", "doterm,laua,ward,lat,long", 0, []string{"pcds (the postcode)"}},
		{"no local authority", "pcds,doterm,ward,lat,long", 0, []string{"oslaua, laua or ladNNcd"}},
		{"several missing", "pcds,laua,ward", 0, []string{"no doterm", "no lat", "no long"}},
		{"not a postcode file", "name,address,telephone", 0, []string{"pcds", "doterm", "laua", "lat", "long"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := ReadPostcodeDirectory(strings.NewReader(tt.header+"\n"), func(PostcodeRecord) error { return nil })
			if tt.missing == nil {
				if err != nil || rep.Format != tt.format || rep.Rows != 0 {
					t.Errorf("report %+v, err %v; want format %v", rep, err, tt.format)
				}
				return
			}
			if !care.IsKind(err, care.KindInvalid) {
				t.Fatalf("err = %v, want invalid", err)
			}
			for _, m := range tt.missing {
				if !strings.Contains(care.MessageOf(err), m) {
					t.Errorf("message %q does not mention %q", care.MessageOf(err), m)
				}
			}
		})
	}
}

func TestReadPostcodeDirectoryPicksLatestVintage(t *testing.T) {
	t.Parallel()
	in := "pcds,doterm,lad24cd,lad25cd,wd24cd,wd25cd,lat,long\n" +
		`"E8 1DY","","E07000001","E09000012","E05000001","E05009372",51.5,-0.05` + "\n"
	recs, _, err := readAll(t, strings.NewReader(in))
	if err != nil || len(recs) != 1 || recs[0].LocalAuthority != "E09000012" || recs[0].Ward != "E05009372" {
		t.Errorf("records %+v, err %v", recs, err)
	}
}

func TestReadPostcodeDirectoryErrors(t *testing.T) {
	t.Parallel()
	if _, err := ReadPostcodeDirectory(strings.NewReader(""), nil); !care.IsKind(err, care.KindInvalid) || !strings.Contains(care.MessageOf(err), "empty") {
		t.Errorf("empty file: %v", err)
	}
	if _, err := ReadPostcodeDirectory(strings.NewReader("pcds,\"doterm\n"), nil); !care.IsKind(err, care.KindInvalid) {
		t.Errorf("broken header: %v", err)
	}

	// An I/O error stops the import and is not a domain error.
	boom := errors.New("disk on fire")
	body := onspdHeader + "\n" + onspdRow("E8 1DY", "", "E09000012", "E05009372", "51.5", "-0.05") + "\n"
	r := io.MultiReader(strings.NewReader(body), iotest.ErrReader(boom))
	recs, rep, err := readAll(t, r)
	if !errors.Is(err, boom) || care.IsKind(err, care.KindInvalid) {
		t.Errorf("I/O error: err = %v", err)
	}
	if len(recs) != 1 || rep.Imported != 1 {
		t.Errorf("rows before the I/O error: %+v", rep)
	}

	// An error from fn stops the import and is returned as is.
	stop := errors.New("database full")
	body += onspdRow("SW1A 1AA", "", "E09000033", "E05013806", "51.5", "-0.14") + "\n"
	calls := 0
	rep, err = ReadPostcodeDirectory(strings.NewReader(body), func(PostcodeRecord) error { calls++; return stop })
	if !errors.Is(err, stop) || !strings.Contains(err.Error(), "row 2") || calls != 1 || rep.Imported != 0 {
		t.Errorf("fn error: err = %v, calls %d, report %+v", err, calls, rep)
	}
}

// TestPostcodeRecordDoesNotPinRows checks that area codes are copied out of
// the CSV reader's buffers, so a Gazetteer built from 2.6 million rows keeps
// a few thousand short strings rather than every row.
func TestPostcodeRecordDoesNotPinRows(t *testing.T) {
	t.Parallel()
	var in strings.Builder
	in.WriteString(onspdHeader + "\n")
	for range 3 {
		in.WriteString(onspdRow("E8 1DY", "", "E09000012", "E05009372", "51.5", "-0.05") + "\n")
	}
	recs, _, err := readAll(t, strings.NewReader(in.String()))
	if err != nil || len(recs) != 3 {
		t.Fatal(err)
	}
	if !sameString(recs[0].LocalAuthority, recs[2].LocalAuthority) || !sameString(recs[0].Ward, recs[2].Ward) {
		t.Error("area codes are not interned")
	}
}

// sameString reports whether a and b share their bytes, not merely their value.
func sameString(a, b string) bool {
	return a == b && unsafe.StringData(a) == unsafe.StringData(b)
}

func FuzzReadPostcodeDirectory(f *testing.F) {
	for _, name := range []string{"onspd.csv", "nspl.csv", "nspl-2026.csv"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("pcds,doterm,laua,ward,lat,long\n\"E8 1DY\",,E09000012,E05009372,51.5,-0.05\n\"x\ny\",1\n,,,,,\n"))
	f.Add([]byte("pcds,doterm,laua,lat,long\n\"unterminated,,,,\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		imported := 0
		rep, err := ReadPostcodeDirectory(bytes.NewReader(data), func(pr PostcodeRecord) error {
			imported++
			if pr.Postcode.IsZero() || pr.Row < 2 {
				return fmt.Errorf("bad record %+v", pr)
			}
			if again, err := ParsePostcode(pr.Postcode.String()); err != nil || again != pr.Postcode {
				return fmt.Errorf("record postcode %q does not round-trip", pr.Postcode)
			}
			if pr.HasLatLon && !validLatLon(pr.LatLon.Lat, pr.LatLon.Lon) {
				return fmt.Errorf("record position %v is not on Earth", pr.LatLon)
			}
			return nil
		})
		if err != nil {
			if !care.IsKind(err, care.KindInvalid) {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		if rep.Rows != rep.Imported+rep.Terminated+rep.RejectedCount {
			t.Fatalf("counts do not add up: %+v", rep)
		}
		if imported != rep.Imported || rep.NoLocation > rep.Imported {
			t.Fatalf("fn called %d times, report %+v", imported, rep)
		}
		if len(rep.Rejected) != min(rep.RejectedCount, MaxStoredRejections) {
			t.Fatalf("%d rejections stored of %d", len(rep.Rejected), rep.RejectedCount)
		}
		last := 1
		for _, r := range rep.Rejected {
			if r.Row <= last || r.Row > rep.Rows+1 || r.Reason == "" {
				t.Fatalf("bad rejection %+v after row %d (rows %d)", r, last, rep.Rows)
			}
			last = r.Row
		}
	})
}

// benchmarkDirectory builds n rows in the full ONSPD layout, about 580 bytes
// each like the real file, with one row in a thousand terminated and one in a
// thousand without coordinates.
func benchmarkDirectory(n int) []byte {
	outcodes := []string{"E8", "E9", "N16", "CR0", "SE13", "SW1A", "EC1A", "M1", "B33", "LS6"}
	var b bytes.Buffer
	b.WriteString(onspdHeader + "\r\n")
	for i := range n {
		pcds := fmt.Sprintf("%s %d%c%c", outcodes[i%len(outcodes)], i%10, "ABDEFGHJLNPQRSTUWXYZ"[i/10%20], "ABDEFGHJLNPQRSTUWXYZ"[i/200%20])
		doterm, lat, long := "", fmt.Sprintf("%.6f", 51+float64(i%1000)/1000), fmt.Sprintf("%.6f", -float64(i%700)/1000)
		if i%1000 == 500 {
			doterm = "201906"
		}
		if i%1000 == 999 {
			lat, long = "99.999999", "0.000000"
		}
		b.WriteString(onspdRow(pcds, doterm, fmt.Sprintf("E0900%04d", i%33), fmt.Sprintf("E0500%04d", i%600), lat, long))
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

func BenchmarkReadPostcodeDirectory(b *testing.B) {
	const rows = 100_000
	data := benchmarkDirectory(rows)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		rep, err := ReadPostcodeDirectory(bytes.NewReader(data), func(PostcodeRecord) error { return nil })
		if err != nil || rep.Imported+rep.Terminated != rows {
			b.Fatalf("report %+v, err %v", rep, err)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkImportIntoGazetteer measures reading the file and building the
// in-memory read model together, as the server does at start-up.
func BenchmarkImportIntoGazetteer(b *testing.B) {
	const rows = 100_000
	data := benchmarkDirectory(rows)
	b.ReportAllocs()
	for b.Loop() {
		gb := NewGazetteerBuilder(rows)
		if _, err := ReadPostcodeDirectory(bytes.NewReader(data), func(pr PostcodeRecord) error { gb.Add(pr); return nil }); err != nil {
			b.Fatal(err)
		}
		if g := gb.Build(); g.Len() == 0 {
			b.Fatal("empty gazetteer")
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
