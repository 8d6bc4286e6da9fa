package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/geo"
	"github.com/joinedup/joinedup/internal/store"
)

// This file generates directories at the scale of an integrated care
// system and beyond, for benchmarks and load tests: tens of thousands of
// services spread over every postcode district in the UK, a postcode
// directory to place people in them, and searches of the kind people make.
// The places are real postcode districts; everything else is invented, and
// the council areas are made-up codes (E069xxxxx) that group districts,
// since the embedded data does not say which council each district is in.

// Benchmark is a generated directory with its postcodes and searches.
type Benchmark struct {
	Directory store.DirectoryData
	Postcodes []store.PostcodeRow
	Queries   []BenchmarkQuery
}

// BenchmarkQuery is one search: a need or free text, and a postcode.
type BenchmarkQuery struct {
	Need     string
	Text     string
	Postcode string
}

// inwardLetters are the letters Royal Mail uses in the inward code.
const inwardLetters = "ABDEFGHJLNPQRSTUWXYZ"

// benchNamespace makes the generated ids: UUIDs derived from the seed and
// each entry's place in the dataset, so a seed always gives the same ids.
func benchID(seed uint64, kind string, n int) string {
	ns := uuid.UUID{0x6a, 0x6f, 0x69, 0x6e, 0x65, 0x64, 0x75, 0x70, 0x62, 0x65, 0x6e, 0x63, 0x68, 0x00, 0x00, 0x01}
	return uuid.NewSHA1(ns, fmt.Appendf(nil, "%d/%s/%d", seed, kind, n)).String()
}

// benchPostcode is the nth generated postcode: districts in turn, then
// sectors, then inward letters, so n below 2,847 × 10 × 400 never repeats.
func benchPostcode(districts []geo.OutcodePlace, n int) (string, geo.OutcodePlace) {
	d := districts[n%len(districts)]
	rest := n / len(districts)
	sector := rest % 10
	pair := (rest / 10) % (len(inwardLetters) * len(inwardLetters))
	return fmt.Sprintf("%s %d%c%c", d.Outcode, sector, inwardLetters[pair/len(inwardLetters)], inwardLetters[pair%len(inwardLetters)]), d
}

// benchArea is the made-up council area of a district: its postcode area
// and the tens of its district number, such as E:1 for E1 to E18.
func benchArea(outcode string, areas map[string]int) string {
	i := 0
	for i < len(outcode) && (outcode[i] < '0' || outcode[i] > '9') {
		i++
	}
	key := outcode[:i] + ":" + outcode[i:min(i+1, len(outcode))]
	n, ok := areas[key]
	if !ok {
		n = len(areas) + 1
		areas[key] = n
	}
	return fmt.Sprintf("E069%05d", n)
}

// GenerateBenchmark makes a directory of services services, postcodes
// postcodes and a thousand searches, the same for the same seed.
func GenerateBenchmark(seed uint64, services, postcodes int) Benchmark {
	rng := rand.New(rand.NewPCG(seed, pcgStream))
	districts := geo.Outcodes()
	areas := map[string]int{}
	areaOf := map[string]string{}
	for _, d := range districts {
		areaOf[d.Outcode] = benchArea(d.Outcode, areas)
	}
	var b Benchmark
	jitter := func() float64 { return (rng.Float64() - 0.5) * 0.02 }
	for i := range postcodes {
		pc, d := benchPostcode(districts, i)
		b.Postcodes = append(b.Postcodes, store.PostcodeRow{Postcode: pc, HasPosition: true,
			LatE6: int32((d.Centroid.Lat + jitter()) * 1e6), LonE6: int32((d.Centroid.Lon + jitter()) * 1e6),
			LocalAuthority: areaOf[d.Outcode]})
	}

	var needs []care.Need
	labels := map[string]string{}
	for _, n := range care.Needs() {
		if !n.Deprecated {
			needs = append(needs, n)
			labels[n.Code] = n.Label
		}
	}
	now := time.Now().UTC()
	d := &b.Directory

	// GP practices, about one for every six services, each in a district.
	practices := max(services/6, 1)
	byArea := map[string][]string{}
	for i := range practices {
		pc, dist := benchPostcode(districts, rng.IntN(len(districts)))
		ods := fmt.Sprintf("B%05d", i)
		d.Organisations = append(d.Organisations, care.Organisation{ID: benchID(seed, "practice", i), Name: fmt.Sprintf("Benchmark Practice %d", i),
			Kind: care.OrgGPPractice, ODSCode: ods, Postcode: pc, LocalAuthorityGSS: areaOf[dist.Outcode], Status: care.OrgActive})
		byArea[areaOf[dist.Outcode]] = append(byArea[areaOf[dist.Outcode]], ods)
	}

	// Providers, each with one team and a duty line, running ten services.
	providers := max(services/10, 1)
	kinds := []care.OrgKind{care.OrgLocalAuthority, care.OrgNHSTrust, care.OrgVCS, care.OrgCommunityHealth}
	for i := range providers {
		pc, _ := benchPostcode(districts, rng.IntN(len(districts)))
		orgID, teamID := benchID(seed, "provider", i), benchID(seed, "team", i)
		d.Organisations = append(d.Organisations, care.Organisation{ID: orgID, Name: fmt.Sprintf("Benchmark Provider %d", i),
			Kind: kinds[i%len(kinds)], Postcode: pc, Status: care.OrgActive})
		d.Teams = append(d.Teams, care.Team{ID: teamID, OrganisationID: orgID, Name: fmt.Sprintf("Benchmark Team %d", i), Kind: "benchmark"})
		d.Contacts = append(d.Contacts, care.Contact{OrganisationID: orgID, TeamID: teamID, Role: "Duty line",
			Phone: fmt.Sprintf("020 7946 0%03d", i%1000), Duty: true})
	}

	hours, _ := care.ParseOpeningHours("mon 09:00-17:00; tue 09:00-17:00; wed 09:00-17:00; thu 09:00-17:00; fri 09:00-17:00; bank-holidays closed")
	states := []care.CapacityState{care.CapacityAccepting, care.CapacityAccepting, care.CapacityAccepting, care.CapacityWaitlist, care.CapacityClosed}
	for i := range services {
		home := districts[rng.IntN(len(districts))]
		la := areaOf[home.Outcode]
		provider := i % providers
		sv := care.Service{ID: benchID(seed, "service", i), OrganisationID: benchID(seed, "provider", provider),
			TeamID: benchID(seed, "team", provider), Name: fmt.Sprintf("Benchmark Service %d", i), Status: care.ServiceActive,
			Referral:    care.Referral{Methods: []care.ReferralMethod{care.ReferThroughJoinedup}},
			TypicalWait: fmt.Sprintf("About %d weeks", 1+rng.IntN(12)), Hours: hours,
			Verified: care.Verification{At: now.Add(-time.Duration(rng.IntN(300)) * 24 * time.Hour), ByName: "Benchmark"}}
		for range 1 + rng.IntN(4) {
			n := needs[rng.IntN(len(needs))]
			if !contains(sv.Needs, n.Code) {
				sv.Needs = append(sv.Needs, n.Code)
			}
		}
		sv.Description = fmt.Sprintf("Help with %s for people in and around %s.", strings.ToLower(labels[sv.Needs[0]]), home.Outcode)
		switch r := rng.Float64(); {
		case r < 0.55:
			sv.Catchment = []care.CatchmentArea{{Kind: care.CatchLocalAuthority, Code: la}}
		case r < 0.80:
			sv.Catchment = []care.CatchmentArea{{Kind: care.CatchOutcode, Code: home.Outcode}}
		case r < 0.95 && len(byArea[la]) > 0:
			for range 1 + rng.IntN(6) {
				ods := byArea[la][rng.IntN(len(byArea[la]))]
				if !containsArea(sv.Catchment, ods) {
					sv.Catchment = append(sv.Catchment, care.CatchmentArea{Kind: care.CatchPractice, Code: ods})
				}
			}
		default:
			sv.Catchment = []care.CatchmentArea{{Kind: care.CatchSector, Code: fmt.Sprintf("%s %d", home.Outcode, rng.IntN(10))}}
		}
		if rng.IntN(10) < 7 {
			sv.Eligibility.MinAge = 18
		}
		sv.Capacity.State = states[rng.IntN(len(states))]
		if sv.Capacity.State == care.CapacityWaitlist {
			sv.Capacity.WaitBand = care.WaitBands[rng.IntN(len(care.WaitBands))]
		}
		pc, _ := benchPostcode(districts, rng.IntN(max(postcodes, 1)))
		if postcodes > 0 && strings.HasPrefix(pc, home.Outcode+" ") {
			sv.Postcode = pc
		} else {
			sv.Postcode = fmt.Sprintf("%s %d%c%c", home.Outcode, rng.IntN(10), inwardLetters[rng.IntN(20)], inwardLetters[rng.IntN(20)])
		}
		d.Services = append(d.Services, sv)
	}

	for range 1000 {
		q := BenchmarkQuery{}
		if postcodes > 0 && rng.IntN(10) > 0 {
			q.Postcode = b.Postcodes[rng.IntN(postcodes)].Postcode
		} else {
			q.Postcode = districts[rng.IntN(len(districts))].Outcode
		}
		n := needs[rng.IntN(len(needs))]
		if rng.IntN(2) == 0 {
			q.Need = n.Code
		} else if len(n.Keywords) > 0 {
			q.Text = "help with " + n.Keywords[rng.IntN(len(n.Keywords))]
		} else {
			q.Text = n.Label
		}
		b.Queries = append(b.Queries, q)
	}
	return b
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func containsArea(list []care.CatchmentArea, code string) bool {
	for _, a := range list {
		if a.Code == code {
			return true
		}
	}
	return false
}

// LoadBenchmark puts a generated directory and its postcodes into a store,
// in large batches.
func LoadBenchmark(ctx context.Context, st *store.Store, b Benchmark) error {
	sys := care.SystemActor("benchmark loader")
	if err := st.ImportDirectory(ctx, sys, b.Directory); err != nil {
		return err
	}
	for start := 0; start < len(b.Postcodes); start += 5000 {
		if err := st.UpsertPostcodes(ctx, sys, b.Postcodes[start:min(start+5000, len(b.Postcodes))]); err != nil {
			return err
		}
	}
	if err := st.RecordPostcodeImport(ctx, sys, len(b.Postcodes)); err != nil {
		return err
	}
	_, err := st.SealAudit(ctx)
	return err
}
