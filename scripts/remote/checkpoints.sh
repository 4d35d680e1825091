#!/usr/bin/env bash
# The settled checkpoints of runs being synced while they train (patrol `sync`). Read-only: never writes,
# never kills. Prints one JSON object.
# Args: RUN_ROOT SETTLE_S MAX_BYTES (what the runner can hold: a bigger file is counted in too_large, never
# listed). Stdin data: `run RUN_ID MODE KEEP` lines (MODE latest: the newest settled file of the run, or of
# each cell of a sweep; all: the newest KEEP settled files), then `end`.
# A file is settled when its mtime is at least SETTLE_S seconds old (never one being written; `*.tmp` never
# counts). Nothing is read: the runner pulls a file through send.sh, which hashes it while it sends it and
# refuses it if its size or mtime moved since this listing.
# Output per run: workdir, the picked files (path, cell, bytes, mtime as `stat %.9Y` prints it: the exact
# string send.sh compares), and how many newer files were still being written (unsettled), were not a safe
# name (skipped) or were too large; for a sweep, the cells with such an unsettled or too large file (held).

FILES_MAX=20000
KEEP_MAX=16
RUNS_MAX=64

declare -A MODE KEEP

# Picks the settled files among glob matches of $2 (relative to workdir $1) for cell $3 ('-': none),
# newest first, at most $4 of them; appends their JSON objects to `out` and counts in `unsettled`/`skipped`.
pick() {
  local workdir=$1 globs=$2 cell=$3 quota=$4 rec t size path n=0 st exact j jc seen=0 u0=$unsettled l0=$too_large
  local -a recs=()
  while IFS= read -r -d '' rec; do
    recs+=("$rec")
    seen=$((seen + 1))
    ((seen < FILES_MAX)) || break
  done < <(glob_find "$workdir" "$globs")
  ((${#recs[@]})) || return 0
  # Newest first (mtime with its fraction, as find printed it).
  mapfile -d '' -t recs < <(printf '%s\0' "${recs[@]}" | sort -z -t' ' -k1,1 -rn)
  jv jc "$cell"
  [ "$cell" = - ] && jc=null
  for rec in "${recs[@]}"; do
    ((n < quota)) || break
    t=${rec%% *}
    t=${t%.*}
    rec=${rec#* }
    size=${rec%% *}
    path=${rec#* }
    path=${path#./}
    # The one symlink rule: never followed, skipped and counted (the patrol warns).
    if [ "$size" = L ]; then
      skipped=$((skipped + 1))
      continue
    fi
    [[ $t =~ ^[0-9]{1,15}$ && $size =~ ^[0-9]{1,18}$ ]] || continue
    if ! is_safe_path "$path" || ((${#path} > TETHER_PATH_MAX)); then
      skipped=$((skipped + 1))
      continue
    fi
    if ((size > MAX_BYTES)); then
      too_large=$((too_large + 1))
      continue
    fi
    if ! is_settled "$t" "$NOW" "$SETTLE"; then
      unsettled=$((unsettled + 1))
      continue
    fi
    # The exact mtime send.sh will compare; a file that moved since find saw it is not settled yet.
    st=$(cd "$workdir" && stat -c '%s %.9Y' -- "$path" 2>/dev/null)
    exact=${st#* }
    if [ "${st%% *}" != "$size" ] || ! [[ $exact =~ ^[0-9]{1,15}\.[0-9]{9}$ ]] || [ "${exact%.*}" != "$t" ]; then
      unsettled=$((unsettled + 1))
      continue
    fi
    jv j "$path"
    ((first_file)) || out+=','
    first_file=0
    out+="{\"path\":$j,\"cell\":$jc,\"bytes\":$size,\"mtime\":\"$exact\"}"
    n=$((n + 1))
  done
  # (Cell names passed is_cell_name: JSON-safe as they are.)
  if [ "$cell" != - ] && ((unsettled > u0 || too_large > l0)); then held+="${held:+,}\"$cell\""; fi
}

main() {
  local run_root key id a b c mode keep run_dir workdir globs quota out first=1 first_file unsettled skipped too_large held jw nruns=0
  local -a order=()
  run_root=$(expand_home "$1")
  SETTLE=$2
  [[ $SETTLE =~ ^[0-9]{1,5}$ ]] || SETTLE=5
  MAX_BYTES=$3
  [[ $MAX_BYTES =~ ^[0-9]{1,18}$ ]] || MAX_BYTES=0
  while IFS=' ' read -r key id a b _; do
    case $key in
      end) break ;;
      run)
        # run RUN_ID MODE KEEP
        mode=$a keep=$b
        if ! is_run_id "$id" || ! [[ $mode == latest || $mode == all ]] || ! [[ $keep =~ ^[1-9][0-9]?$ ]]; then continue; fi
        ((nruns < RUNS_MAX)) || continue
        [ -n "${MODE[$id]:-}" ] || order+=("$id")
        nruns=$((nruns + 1))
        MODE[$id]=$mode
        ((keep > KEEP_MAX)) && keep=$KEEP_MAX
        KEEP[$id]=$keep
        ;;
    esac
  done
  NOW=$(date +%s)
  printf '{"now":%s,"runs":[' "$NOW"
  for id in "${order[@]}"; do
    run_dir=$run_root/$id
    ((first)) || printf ','
    first=0
    if [ ! -f "$run_dir/spec.json" ]; then
      printf '{"id":"%s","error":"no run record"}' "$id"
      continue
    fi
    rd workdir "$run_dir/workdir"
    expand_home_var workdir "$workdir"
    rd globs "$run_dir/checkpoints"
    quota=1
    [ "${MODE[$id]}" = all ] && quota=${KEEP[$id]}
    out='' first_file=1 unsettled=0 skipped=0 too_large=0 held=''
    if [ -f "$run_dir/cells.list" ]; then
      # A sweep: each cell's own globs, each cell its own quota.
      while IFS= read -r c; do
        is_cell_name "$c" || continue
        rd globs "$run_dir/cells/$c/checkpoints"
        [ -n "$globs" ] && pick "$workdir" "$globs" "$c" "$quota"
      done < <(head -n "$CELLS_MAX" "$run_dir/cells.list")
    elif [ -n "$globs" ]; then
      pick "$workdir" "$globs" - "$quota"
    fi
    jv jw "$workdir"
    printf '{"id":"%s","workdir":%s,"files":[%s],"unsettled":%s,"skipped":%s,"too_large":%s,"held":[%s]}' "$id" "$jw" "$out" "$unsettled" "$skipped" "$too_large" "$held"
  done
  printf ']}\n'
}
main "$@"; exit $?
