// Package fhir holds joinedup's HL7 FHIR R4 types and the pure mappers
// between them and the domain in internal/care. FHIR is an interface mapped
// at the edge, never the storage model: these types exist to read and write
// resources, and the domain stays the source of truth.
//
// Today it reads UK Core Patient resources, one to a line, from the FHIR
// Bulk Data NDJSON that GP systems export, so a deployment can import its
// population. The FHIR R4 API builds on the same types and adds the mappers
// from the domain to FHIR.
//
// It does no I/O beyond the io.Reader it is given and imports only the
// standard library and internal/care.
package fhir
