// Package pdfnorm makes the report PDF byte-reproducible and makes exhibit
// PDFs safe to import. It exists because the two libraries the report is
// built with — codeberg.org/go-pdf/fpdf v0.12.0 and, through its
// contrib/gofpdi, github.com/phpdave11/gofpdi v1.0.16 — have defects we may
// not patch or vendor; this package works around them from the outside.
//
// # Canonicalize: reproducible output
//
// The same document rendered twice by fpdf is not byte-identical, even with
// SetCatalogSort(true) and fixed creation and modification dates:
//
//   - putimages writes images sorted by width only, so images of equal
//     width come out in Go map order;
//   - putImportedTemplates writes gofpdi's objects in map order, gofpdi
//     writes dictionary keys in map order, and putxobjectdict lists the
//     imported templates in map order.
//
// Measured in this package's tests: a 12-image report (equal widths, UTF-8
// font, bookmarks, links) gave 20 distinct outputs in 20 renderings, and a
// report importing a PDF gave 10 distinct in 10. After Canonicalize all
// outputs were byte-identical. Canonicalize re-parses the finished PDF,
// renumbers objects breadth-first from /Root then /Info, sorts dictionary
// keys, keeps stream bytes untouched and writes a fresh xref table, so the
// bytes depend only on the content. It also repairs two fpdf defects that
// strict validators reject: outline items with children carry /Count 0
// (rewritten as minus the number of children, i.e. closed), and link
// annotations are direct dictionaries in /Annots (made indirect objects).
// Every output is checked in tests with qpdf --check, pdfcpu validate -mode
// strict and a pdftotext round trip.
//
// Cost (BenchmarkCanonicalize, AMD EPYC, 2 cores): a 48.5 MB PDF of 26
// incompressible images takes about 35 ms (≈1.4 GB/s) and allocates 52 MB in
// 2,500 allocations per call: the output buffer plus the parsed object
// tree; stream bytes are never copied except into the output.
//
// # Attach, Attachments and Info: embedded files
//
// The report carries evipack.json and the verification notes as embedded
// files. fpdf's SetAttachments embeds them correctly but writes the
// attachment objects before the pages while computing page object numbers
// as 1+2*page, so every bookmark and internal link points at the wrong
// object (measured in TestAttachKeepsDestinations: outline destinations
// [-1 -1 0] instead of [0 1 2]); its name-tree keys are not zero-padded,
// so ten or more files list out of order; and the header stays below 1.7,
// which strict validators require for an embedded-files name tree. Attach
// therefore works after Canonicalize on the parsed object graph: it adds
// the streams and file specifications, a name tree keyed by the file names
// in byte order, /AF and %PDF-1.7, and writes the document canonically
// again, so references are renumbered with their objects. It writes no
// /AFRelationship: pdfcpu v0.15.0 (strict) rejects it before PDF 2.0 and
// rejects any catalog /AF in PDF 2.0, so the file stays at 1.7.
//
// Attachments and Info read embedded files and the document information
// dictionary back for `evipack verify FILE.pdf`. They also read PDFs saved
// again by other programs: besides the classic cross-reference table they
// accept cross-reference streams and object streams (read-only; Canonicalize
// still refuses those), with every decoded size bounded.
//
// # PrepareImport and Importer: safe exhibit import
//
// gofpdi panics on PDFs written by pdfcpu (object streams, cross-reference
// streams) and on encrypted PDFs with an empty user password — measured in
// TestPrepareImport; it loops forever (no panic, recover cannot help) on an
// empty file; it takes a missing /CropBox as all zeros and draws with an
// infinite scale; and it sizes every imported page by the boxes of page 1
// of the source. PrepareImport therefore normalises each exhibit with
// pdfcpu first (decrypt with the empty user password, validate, copy
// inherited MediaBox/CropBox/Rotate/Resources into each page, write without
// object or xref streams) and reports ErrEncrypted, ErrMalformed,
// ErrTooManyPages or ErrTooLarge; Reason gives the Chinese text for the
// report. Importer imports only normalised PDFs, cuts a page whose
// geometry differs from page 1 into a one-page PDF, and turns any gofpdi
// panic into ErrImport so the caller can fall back to listing the file.
package pdfnorm
