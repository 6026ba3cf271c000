#!/usr/bin/env bash
# bench/manual.sh CASE_DIR OUT_DIR — what a user does by hand instead of
# evipack (issue 6): copy the folder into a BagIt-like bag with a SHA-256
# manifest, dump the metadata with exiftool, and turn the images into one
# PDF with img2pdf. bench/run.sh times this script as "manual".
set -euo pipefail
src=$1
out=$2
mkdir -p "$out/data"
cp -r "$src/." "$out/data/"
cd "$out"
# BagIt: payload manifest, bagit.txt, bag-info.txt with the Payload-Oxum.
find data -type f -print0 | sort -z | xargs -0 sha256sum > manifest-sha256.txt
printf 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n' > bagit.txt
bytes=$(find data -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')
count=$(find data -type f | wc -l)
printf 'Payload-Oxum: %s.%s\n' "$bytes" "$count" > bag-info.txt
sha256sum bagit.txt bag-info.txt manifest-sha256.txt > tagmanifest-sha256.txt
# Metadata of every file.
exiftool -json -r -q data > metadata.json || true # exiftool exits 1 on files it cannot read
# All images, in name order, into one PDF (img2pdf keeps JPEGs as they are
# and re-encodes PNGs losslessly; alpha goes into a soft mask).
mapfile -d '' images < <(find data -type f \( -iname '*.png' -o -iname '*.jpg' -o -iname '*.jpeg' \) -print0 | sort -z)
if [ "${#images[@]}" -gt 0 ]; then
	img2pdf -o images.pdf "${images[@]}"
fi
