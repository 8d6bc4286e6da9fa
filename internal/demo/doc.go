// Package demo generates joinedup's synthetic data: the demo area that people
// can explore, fixtures for tests, and benchmark populations at integrated
// care system scale.
//
// The organisations are real (GP practices from the NHS ODS list, local
// authorities and Integrated Care Boards with their ONS codes, all embedded
// as small extracts under data/). The care teams and services are plausible
// but generic, and the people are fictional: invented names, NHS numbers from
// the 999 range, which is never issued to patients, and postcodes that exist
// in their borough.
//
// Everything here is pure data generation, deterministic for a seed, so the
// same seed always gives the same dataset. Putting it in a database is the
// loader's job; keys are strings so the loader can map them to its own ids.
package demo
