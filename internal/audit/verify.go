package audit

import (
	"fmt"
	"time"
)

// Row is an event as stored, with its digest and, once sealed, its place in
// the chain.
type Row struct {
	Event
	Digest    string
	Seq       int64 // 0 while unsealed
	ChainHash string
}

// Head is the chain's end as recorded by the last seal.
type Head struct {
	Seq  int64
	Hash string
}

// Problem names the first row that breaks the chain and why.
type Problem struct {
	Seq    int64
	ID     string
	Reason string
}

func (p *Problem) Error() string {
	if p.Seq > 0 {
		return fmt.Sprintf("audit row %d (id %s): %s", p.Seq, p.ID, p.Reason)
	}
	if p.ID != "" {
		return fmt.Sprintf("unsealed audit row %s: %s", p.ID, p.Reason)
	}
	return p.Reason
}

// Verifier checks sealed rows in sequence order, then the unsealed tail.
// Feed it every sealed row with Sealed, every unsealed row with Unsealed,
// then call Finish.
type Verifier struct {
	prevHash string
	prevSeq  int64
	sealed   int64
	unsealed int64
	problem  *Problem
}

// NewVerifier starts a verification at the beginning of the chain.
func NewVerifier() *Verifier { return &Verifier{prevHash: GenesisHash} }

// Sealed checks the next sealed row. It returns the first problem found and
// keeps returning it.
func (v *Verifier) Sealed(r Row) error {
	if v.problem != nil {
		return v.problem
	}
	switch {
	case r.Seq != v.prevSeq+1:
		// A gap means rows were deleted; a repeat cannot happen because seq
		// is unique, but a lower number would mean rows were reordered.
		v.problem = &Problem{Seq: r.Seq, ID: r.ID, Reason: fmt.Sprintf("expected sequence %d: rows before it were deleted or the chain was reordered", v.prevSeq+1)}
	case Digest(r.Event) != r.Digest:
		v.problem = &Problem{Seq: r.Seq, ID: r.ID, Reason: "its content does not match its digest: the row was edited"}
	case ChainHash(v.prevHash, r.Seq, r.Digest) != r.ChainHash:
		v.problem = &Problem{Seq: r.Seq, ID: r.ID, Reason: "its chain hash does not follow from the row before: a row was inserted, deleted or edited"}
	}
	if v.problem != nil {
		return v.problem
	}
	v.prevSeq, v.prevHash = r.Seq, r.ChainHash
	v.sealed++
	return nil
}

// Unsealed checks a row not yet sealed. Such rows are normal for a moment
// after they are written; one older than maxAge means the sealer is not
// running or the row was put there by something other than joinedup.
func (v *Verifier) Unsealed(r Row, now time.Time, maxAge time.Duration) error {
	if v.problem != nil {
		return v.problem
	}
	switch {
	case Digest(r.Event) != r.Digest:
		v.problem = &Problem{ID: r.ID, Reason: "its content does not match its digest: the row was edited or inserted by hand"}
	case now.Sub(r.At) > maxAge:
		v.problem = &Problem{ID: r.ID, Reason: fmt.Sprintf("it was written at %s and never sealed: it was inserted outside joinedup, or no joinedup server has run since", r.At.UTC().Format(time.RFC3339))}
	}
	if v.problem != nil {
		return v.problem
	}
	v.unsealed++
	return nil
}

// Result summarises a verification that found no problem.
type Result struct {
	Sealed   int64
	Unsealed int64
	Head     Head
}

// Finish checks that the sealed rows end exactly at the recorded head, which
// catches rows deleted from, or appended to, the end of the chain.
func (v *Verifier) Finish(head Head) (Result, error) {
	if v.problem != nil {
		return Result{}, v.problem
	}
	if head.Seq != v.prevSeq || head.Hash != v.prevHash {
		return Result{}, &Problem{Seq: v.prevSeq, Reason: fmt.Sprintf("the chain ends at row %d but the head records row %d: rows at the end were deleted or added", v.prevSeq, head.Seq)}
	}
	return Result{Sealed: v.sealed, Unsealed: v.unsealed, Head: head}, nil
}
