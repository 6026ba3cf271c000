#!/usr/bin/env bash
# bench/run.sh — end-to-end benchmark of evipack (issue 6); `make bench` runs it.
#
# For each generated case (tools/genbench: typical, typical ×2, typical ×4,
# large) it measures, with /usr/bin/time -v and a warm page cache:
#   floor      cp -r + SHA-256 of every file (sha256sum, all cores) + writing
#              as many bytes as evipack's PDF; "floor-ossl" hashes with openssl
#              (SHA-NI) instead — the tighter floor; "floor-fsync" also
#              fsyncs every file written, as evipack does
#   manual     bench/manual.sh: copy + BagIt manifest + exiftool -json + img2pdf
#   build      evipack build (SOURCE_DATE_EPOCH set)
#   verify     evipack verify of that bundle
#   sha-limit  sha256sum of the bundle's bytes on all cores ("ossl-limit": openssl)
# and a batch of typical-case copies built with --jobs 1 and --jobs 2.
# Every evipack run is capped with prlimit --as so it cannot take the machine
# down. The table (medians of BENCH_RUNS runs) goes to stdout and to
# $BENCH_OUT/results.txt; every single run is in $BENCH_OUT/raw.tsv and the
# output of every command in $BENCH_OUT/logs/.
#
# Environment:
#   BENCH_OUT     scratch folder (default: bench-out/ in the repository)
#   BENCH_RUNS    repetitions of every measurement (default 3)
#   BENCH_CASES   cases, from: typical x2 x4 large (default: all four)
#   BENCH_BATCH   copies of the typical case for the batch (default 50, 20 when
#                 the disk is short, 0 skips the batch)
#   BENCH_MEMCAP  address-space cap of evipack in bytes (default 8 GiB)
#   GO            go command (default: go)
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${BENCH_OUT:-$root/bench-out}
mkdir -p "$out" && out=$(cd "$out" && pwd)
runs=${BENCH_RUNS:-3}
cases=${BENCH_CASES:-typical x2 x4 large}
batch=${BENCH_BATCH:-50}
memcap=${BENCH_MEMCAP:-$((8 << 30))}
GO=${GO:-go}
ncpu=$(nproc)
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1788000000}
export LC_ALL=C

log() { printf '== %s\n' "$*" >&2; }

# ---- tools ---------------------------------------------------------------
missing=()
[ -x /usr/bin/time ] || missing+=(time)
command -v img2pdf > /dev/null || missing+=(img2pdf)
command -v exiftool > /dev/null || missing+=(libimage-exiftool-perl)
command -v prlimit > /dev/null || missing+=(util-linux)
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
		log "installing ${missing[*]}"
		{ DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" ||
			{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; }; } >&2 ||
			log "apt-get install failed"
	else
		log "missing Debian packages; install them with: sudo apt-get install -y ${missing[*]}"
	fi
fi
if [ ! -x /usr/bin/time ]; then
	echo "bench: /usr/bin/time is required: apt-get install -y time" >&2
	exit 1
fi
manual=1
if ! command -v img2pdf > /dev/null || ! command -v exiftool > /dev/null; then
	manual=0
	log "skipping the manual pipeline: it needs img2pdf and exiftool (apt-get install -y img2pdf libimage-exiftool-perl)"
fi
cap=()
if command -v prlimit > /dev/null; then
	cap=(prlimit "--as=$memcap" --)
else
	log "prlimit not found (util-linux): evipack runs without a memory cap"
fi
ossl=0
command -v openssl > /dev/null && ossl=1

# ---- build ---------------------------------------------------------------
bin=$out/bin
mkdir -p "$bin" "$out/logs" "$out/tmp" "$out/cases"
log "building evipack and genbench"
if ! (cd "$root" && $GO build -o "$bin/evipack" ./cmd/evipack && $GO build -o "$bin/genbench" ./tools/genbench); then
	echo "bench: go build failed" >&2
	exit 1
fi
evi=$bin/evipack

# ---- helpers -------------------------------------------------------------
raw=$out/raw.tsv
info=$out/cases.tsv
notes=$out/notes.txt
printf 'case\tjob\trun\twall_s\tuser_s\tsys_s\tmaxrss_kb\tstatus\n' > "$raw"
printf 'case\tfiles\tin_bytes\tbundle_bytes\tpdf_bytes\tpdf_files\n' > "$info"
: > "$notes"

# measure CASE JOB RUN -- CMD...: run CMD under /usr/bin/time -v, append a
# line to raw.tsv, keep CMD's output in logs/.
measure() {
	local c=$1 job=$2 run=$3
	shift 4
	local tf=$out/tmp/time.txt lf=$out/logs/$c.$job.$run.log
	/usr/bin/time -v -o "$tf" "$@" > "$lf" 2>&1
	local rc=$?
	local extra=""
	grep -q 'out of memory' "$lf" && extra=" out-of-memory"
	awk -F': ' -v c="$c" -v j="$job" -v r="$run" -v rc="$rc" -v extra="$extra" '
		/Elapsed \(wall clock\)/ { n = split($NF, a, ":"); w = (n == 3) ? a[1] * 3600 + a[2] * 60 + a[3] : a[1] * 60 + a[2] }
		/User time/ { u = $NF }
		/System time/ { s = $NF }
		/Maximum resident set size/ { m = $NF }
		/Command terminated by signal/ { sig = $0; sub(/.*signal /, "", sig) }
		END {
			st = (rc == 0) ? "ok" : "rc=" rc
			if (sig != "") st = "signal-" sig
			printf "%s\t%s\t%s\t%.3f\t%.2f\t%.2f\t%d\t%s%s\n", c, j, r, w, u, s, m, st, extra
		}' "$tf" >> "$raw"
	[ $rc -eq 0 ] || log "$c $job run $run failed ($rc): see $lf"
	return $rc
}

warm() { find "$@" -type f -print0 | xargs -0 cat > /dev/null; }
bytes_of() { find "$@" -type f -printf '%s\n' 2> /dev/null | awk '{ s += $1 } END { print s + 0 }'; }
files_of() { find "$@" -type f 2> /dev/null | wc -l; }

genstamp=$(cat "$root"/tools/genbench/*.go | sha256sum | cut -c1-16)
# gen_case NAME: generate cases/NAME unless an identical one is there.
gen_case() {
	local name=$1 dir=$out/cases/$1 args
	case $name in
	typical) args=(-kind typical) ;;
	x2) args=(-kind typical -scale 2) ;;
	x4) args=(-kind typical -scale 4) ;;
	large) args=(-kind large) ;;
	*)
		log "unknown case $name"
		return 1
		;;
	esac
	if [ "$(cat "$dir.stamp" 2> /dev/null)" != "$genstamp ${args[*]}" ]; then
		rm -rf "$dir" "$dir.stamp"
		log "generating $name"
		"$bin/genbench" -o "$dir" "${args[@]}" >&2 || return 1
		echo "$genstamp ${args[*]}" > "$dir.stamp"
	fi
}

floor_cmd='cp -r "$1" "$2" && find "$2" -type f -print0 | xargs -0 -P "$3" -n 8 $5 > /dev/null && head -c "$4" /dev/zero > "$2/report.pdf"'
# evipack fsyncs every file it writes (pkg/bundle); this floor does too.
floor_sync_cmd="$floor_cmd"' && find "$2" -type f -print0 | xargs -0 sync --data && sync -f "$2"'
limit_cmd='find "$1" -type f -print0 | xargs -0 -P "$2" -n 4 $3 > /dev/null'

start_load=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- per case ------------------------------------------------------------
for c in $cases; do
	if ! gen_case "$c"; then
		printf '%s\tgenerate\t1\t0\t0\t0\t0\tfailed\n' "$c" >> "$raw"
		continue
	fi
	src=$out/cases/$c
	w=$out/work/$c
	in_bytes=$(bytes_of "$src")
	in_files=$(files_of "$src")
	bundle_bytes=0 pdf_bytes=0 pdf_files=0
	for r in $(seq 1 "$runs"); do
		log "$c run $r/$runs"
		rm -rf "$w"
		mkdir -p "$w"
		# (c) build
		warm "$src"
		measure "$c" build "$r" -- "${cap[@]}" "$evi" build --quiet -o "$w/build" "$src"
		bundle=$w/build/$c
		if [ -d "$bundle" ]; then
			pdf_bytes=$(bytes_of "$bundle/data/report" -name '*.pdf')
			pdf_files=$(find "$bundle/data/report" -name '*.pdf' | wc -l)
			bundle_bytes=$(bytes_of "$bundle")
		fi
		# (a) the floor: same bytes hashed, copied, PDF-sized file written
		warm "$src"
		measure "$c" floor "$r" -- bash -c "$floor_cmd" _ "$src" "$w/floor" "$ncpu" "$pdf_bytes" sha256sum
		rm -rf "$w/floor"
		if [ $ossl = 1 ]; then
			warm "$src"
			measure "$c" floor-ossl "$r" -- bash -c "$floor_cmd" _ "$src" "$w/floor" "$ncpu" "$pdf_bytes" "openssl dgst -sha256"
			rm -rf "$w/floor"
			warm "$src"
			measure "$c" floor-fsync "$r" -- bash -c "$floor_sync_cmd" _ "$src" "$w/floor" "$ncpu" "$pdf_bytes" "openssl dgst -sha256"
			rm -rf "$w/floor"
		fi
		# (b) the manual pipeline
		if [ $manual = 1 ]; then
			warm "$src"
			measure "$c" manual "$r" -- "$root/bench/manual.sh" "$src" "$w/manual"
			rm -rf "$w/manual"
		fi
		# (d) verify, and the SHA-256 limit on the same bytes
		if [ -d "$bundle" ]; then
			warm "$bundle"
			measure "$c" verify "$r" -- "${cap[@]}" "$evi" verify "$bundle"
			measure "$c" sha-limit "$r" -- bash -c "$limit_cmd" _ "$bundle" "$ncpu" sha256sum
			[ $ossl = 1 ] && measure "$c" ossl-limit "$r" -- bash -c "$limit_cmd" _ "$bundle" "$ncpu" "openssl dgst -sha256"
		else
			printf '%s\tverify\t%s\t0\t0\t0\t0\tno-bundle\n' "$c" "$r" >> "$raw"
		fi
	done
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$c" "$in_files" "$in_bytes" "$bundle_bytes" "$pdf_bytes" "$pdf_files" >> "$info"
	rm -rf "$w"
done

# ---- batch: N copies of the typical case, --jobs 1 vs --jobs 2 ------------
if [ "$batch" -gt 0 ] && gen_case typical; then
	one=$(bytes_of "$out/cases/typical")
	avail=$(df -B1 --output=avail "$out" | tail -1)
	# inputs + one set of bundles (copy + PDF ≈ 2× input), with a margin
	if [ "$avail" -lt $((one * batch * 4)) ]; then
		log "disk short for $batch copies ($avail bytes free): using 20"
		echo "batch reduced to 20 copies: $avail bytes free" >> "$notes"
		batch=20
	fi
	if [ "$avail" -lt $((one * batch * 4)) ]; then
		log "disk short even for 20 copies: batch skipped"
		echo "batch skipped: $avail bytes free" >> "$notes"
	else
		bin_dir=$out/batch/in
		if [ "$(cat "$out/batch/in.stamp" 2> /dev/null)" != "$genstamp $batch" ]; then
			rm -rf "$out/batch"
			mkdir -p "$bin_dir"
			log "copying the typical case $batch times"
			for i in $(seq -w 1 "$batch"); do cp -r "$out/cases/typical" "$bin_dir/case-$i"; done
			echo "$genstamp $batch" > "$out/batch/in.stamp"
		fi
		printf 'batch\t%s\t%s\t0\t0\t0\n' "$(files_of "$bin_dir")" "$(bytes_of "$bin_dir")" >> "$info"
		for r in $(seq 1 "$runs"); do
			for j in 1 2; do
				log "batch of $batch, --jobs $j, run $r/$runs"
				rm -rf "$out/batch/out"
				warm "$bin_dir"
				measure batch "jobs$j" "$r" -- "${cap[@]}" "$evi" build --quiet --jobs "$j" -o "$out/batch/out" "$bin_dir"/case-*
				got=$(find "$out/batch/out" -mindepth 1 -maxdepth 1 -type d 2> /dev/null | wc -l)
				[ "$got" -eq "$batch" ] || echo "batch --jobs $j run $r: $got of $batch bundles" >> "$notes"
			done
		done
		rm -rf "$out/batch/out"
	fi
fi

# ---- report --------------------------------------------------------------
{
	echo "evipack benchmark (bench/run.sh), $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "commit $(git -C "$root" rev-parse --short HEAD 2> /dev/null || echo '?')$(git -C "$root" diff --quiet 2> /dev/null || echo ' + uncommitted changes'), $($GO version | cut -d' ' -f3)"
	echo "host: $ncpu CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM; load average at start $start_load, at end $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "runs per measurement: $runs (median shown, min wall beside it; ok = successful runs); evipack capped at $((memcap >> 20)) MiB address space; SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH"
	echo "floor = cp -r + $ncpu parallel sha256sum + PDF-sized write; floor-ossl = same with openssl dgst -sha256 (SHA-NI);"
	echo "floor-fsync = floor-ossl + fsync of every written file (evipack fsyncs); *-limit = hashing the bundle's bytes on $ncpu cores"
	echo
	awk -F'\t' -v OFS='\t' '
		function median(list,   v, n, i, j, t) {
			n = split(list, v, " ")
			if (n == 0) return -1
			for (i = 2; i <= n; i++) { t = v[i] + 0; for (j = i - 1; j >= 1 && v[j] + 0 > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
			return (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
		}
		function r(a, b) { return (a > 0 && b > 0) ? sprintf("%.2f", a / b) : "n/a" }
		function pct(a, b) { return (a > 0 && b > 0) ? sprintf("%.0f%%", 100 * a / b) : "n/a" }
		FNR == 1 { next }
		FILENAME ~ /cases.tsv$/ { files[$1] = $2; inb[$1] = $3; bnd[$1] = $4; pdfb[$1] = $5; pdfn[$1] = $6; if (!($1 in seen)) { seen[$1] = 1; order[++nc] = $1 }; next }
		{
			k = $1 SUBSEP $2
			if (!(k in tot)) { jobs[$1] = jobs[$1] " " $2 }
			tot[k]++
			if ($8 == "ok") { ok[k]++; wall[k] = wall[k] " " $4; cpu[k] = cpu[k] " " ($5 + $6); rss[k] = rss[k] " " $7; if (!(k in mn) || $4 + 0 < mn[k]) mn[k] = $4 + 0 }
			else { fail[k] = fail[k] " " $8; if ($7 > 0) failrss[k] = failrss[k] " " $7 }
			if (!($1 in seen)) { seen[$1] = 1; order[++nc] = $1 }
		}
		END {
			printf "%-8s %6s %9s  %-11s %8s %8s %8s %10s %8s  %s\n", "case", "files", "input MB", "job", "wall s", "min s", "CPU s", "peak MiB", "MB/s", "ok/runs"
			for (i = 1; i <= nc; i++) {
				c = order[i]; n = split(jobs[c], js, " ")
				for (x = 1; x <= n; x++) {
					j = js[x]; k = c SUBSEP j
					W[k] = median(wall[k]); C[k] = median(cpu[k]); M[k] = median(rss[k])
					by = (j ~ /verify|limit/) ? bnd[c] : inb[c]
					tp = (W[k] > 0) ? sprintf("%.0f", by / 1e6 / W[k]) : "-"
					st = (ok[k] + 0) "/" tot[k]
					if (fail[k] != "") st = st " FAILED:" fail[k] (failrss[k] != "" ? " (peak KiB" failrss[k] ")" : "")
					printf "%-8s %6s %9.1f  %-11s %8s %8s %8s %10s %8s  %s\n", c, files[c], inb[c] / 1e6, j,
						(W[k] >= 0 ? sprintf("%.3f", W[k]) : "-"), ((k in mn) ? sprintf("%.3f", mn[k]) : "-"), (C[k] >= 0 ? sprintf("%.2f", C[k]) : "-"),
						(M[k] >= 0 ? sprintf("%.1f", M[k] / 1024) : "-"), tp, st
				}
				if (c != "batch" && pdfn[c] > 0) printf "%-8s %6s %9s  bundle %.1f MB, PDF %.1f MB in %d file(s)\n", "", "", "", bnd[c] / 1e6, pdfb[c] / 1e6, pdfn[c]
			}
			print ""
			printf "%-44s %9s %9s %9s %9s   %s\n", "ratio (of medians)", "typical", "x2", "x4", "large", "issue 6 target"
			split("typical x2 x4 large", cs, " ")
			line("build / floor (sha256sum floor)", "build", "floor", "r", "large ≤ 2")
			line("build / floor-ossl (SHA-NI floor)", "build", "floor-ossl", "r", "large ≤ 2")
			line("build / floor-fsync (SHA-NI + fsync floor)", "build", "floor-fsync", "r", "(evipack fsyncs)")
			line("manual / build (speed-up)", "manual", "build", "r", "typical ≥ 8, large ≥ 10")
			line("verify MB/s / sha256sum limit MB/s", "sha-limit", "verify", "p", "large ≥ 90%")
			line("verify MB/s / openssl (SHA-NI) limit MB/s", "ossl-limit", "verify", "p", "large ≥ 90%")
			printf "%-44s", "build peak RSS MiB"
			for (x = 1; x <= 4; x++) { k = cs[x] SUBSEP "build"; printf " %9s", (k in M && M[k] >= 0) ? sprintf("%.0f", M[k] / 1024) : "n/a" }
			printf "   %s\n", "large ≤ 256"
			t1 = W["typical" SUBSEP "build"]; t2 = W["x2" SUBSEP "build"]; t4 = W["x4" SUBSEP "build"]
			printf "%-44s %9s %9s %9s %9s   %s\n", "input bytes vs previous size", "-", r(inb["x2"], inb["typical"]), r(inb["x4"], inb["x2"]), "-", ""
			printf "%-44s %9s %9s %9s %9s   %s\n", "build wall vs previous size", "-", r(t2, t1), r(t4, t2), "-", "≤ 2"
			c1 = C["typical" SUBSEP "build"]; c2 = C["x2" SUBSEP "build"]; c4 = C["x4" SUBSEP "build"]
			printf "%-44s %9s %9s %9s %9s   %s\n", "build CPU vs previous size", "-", r(c2, c1), r(c4, c2), "-", "(load-independent)"
			m1 = M["typical" SUBSEP "build"]; m2 = M["x2" SUBSEP "build"]; m4 = M["x4" SUBSEP "build"]
			printf "%-44s %9s %9s %9s %9s   %s\n", "build peak RSS vs previous size", "-", r(m2, m1), r(m4, m2), "-", "bounded by the volume limit"
			b1 = W["batch" SUBSEP "jobs1"]; b2 = W["batch" SUBSEP "jobs2"]
			printf "%-44s %9s   %s\n", "batch: wall --jobs 2 / --jobs 1", r(b2, b1), "≤ 0.55"
		}
		function line(label, a, b, kind, target,   x, k1, k2) {
			printf "%-44s", label
			for (x = 1; x <= 4; x++) {
				k1 = cs[x] SUBSEP a; k2 = cs[x] SUBSEP b
				if (kind == "r") printf " %9s", r(W[k1], W[k2])
				else printf " %9s", pct(W[k1], W[k2]) # throughput ratio on the same bytes = inverse wall ratio
			}
			printf "   %s\n", target
		}
	' "$info" "$raw"
	if [ -s "$notes" ]; then
		echo
		echo "notes:"
		sed 's/^/  /' "$notes"
	fi
} | tee "$out/results.txt"
