// Package bundle writes and verifies evipack bundles: BagIt 1.0 bags
// (RFC 8493) with SHA-256 manifests.
//
// Layout written by Writer:
//
//	<out>/<case>/
//	  bagit.txt               BagItDeclaration
//	  bag-info.txt            Bag-Software-Agent, Bagging-Date, Payload-Oxum, External-Identifier (root hash), extras
//	  manifest-sha256.txt     "<hex>  <path>" per payload file, sorted bytewise by (encoded) path
//	  tagmanifest-sha256.txt  every other root file, sorted; written last
//	  <caller tag files>      evipack.json, 核验说明.txt …
//	  data/evidence/…         originals
//	  data/report/…           PDF, form text
//
// The evidence root hash (External-Identifier) is the SHA-256 over the
// sorted manifest-sha256.txt lines under data/evidence/; RootHashCommand
// recomputes it with grep, sort and sha256sum.
//
// Paths containing "%", CR or LF are percent-encoded in manifests as RFC 8493
// requires. Plain "sha256sum -c" does not decode them, so callers that want
// every line checkable with sha256sum should avoid those characters in names.
// Spaces are written as they are (RFC 8493 does not encode them).
//
// Unicode names:
//   - manifests keep the bytes of a name as given (an NFD name stays NFD);
//   - the Writer refuses, with ErrCollision, a name equal to an earlier one
//     after NFC normalisation and case folding;
//   - Verify compares names in NFC: a file listed under one normalisation and
//     found under another (a copy through macOS) is checked, with a note;
//   - names that are not valid UTF-8 are refused (*PathError, ErrInsecurePath)
//     by the Writer and by VerifyZip, and cannot appear in a manifest, whose
//     text must be UTF-8: intake must refuse or rename such files.
//
// Zip form: WriteZip and WriteZipFile store a bag as one deterministic zip;
// VerifyZip and VerifyZipFile check one without extracting it (see zip.go).
//
// Verification decisions:
//   - every manifest with a supported algorithm (md5, sha1, sha224, sha256,
//     sha384, sha512) is checked; others are skipped with a note. A bag whose
//     payload manifests are all md5/sha1 verifies, with a note that these
//     detect accidents but not forgery;
//   - bagit.txt is strict (no BOM, exactly two lines, one space after each
//     colon); other tag files may have a UTF-8 BOM and LF, CR or CRLF ends,
//     and bag-info.txt tolerates spaces around the colon;
//   - a path listed twice in one manifest, a path that is not local, and a
//     payload manifest entry outside data/ are *ManifestError problems;
//   - symlinks and other non-regular files anywhere in the bag are problems
//     (ErrInsecurePath);
//   - a tag file no tag manifest lists is "untracked", which RFC 8493
//     allows, and does not fail the report; evipack lists all of its own;
//   - fetch.txt paths must be local and under data/; listed files must be
//     present, since evipack never downloads anything.
package bundle
