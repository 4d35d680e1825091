#!/usr/bin/env bash
# Builds the run's checkpoint manifest on the box (schema tether.manifest/v1) and prints it as one line.
# Args: RUN_ROOT RUN_ID LATEST_ONLY(0|1) [HASH(1|0)]. With HASH 0 (collect) it only lists: names, sizes and
# mtimes (schema tether.listing/v1), reads no file and writes nothing; collect hashes while it sends (send.sh).
# Stdin data: `roster b64(newline list)`, `cells b64(newline list)`,
# then `end`. A sweep (cells.list in the run record) is collected per cell: each cell's own globs, every file
# tagged with its cell, the roster exactly the cells asked for (all of them, or `cells`); a cell that is not
# DONE (unless LATEST_ONLY) or has no checkpoint file is refused by name.
# Files come from the run's checkpoint globs (relative to its workdir; `*.tmp` ignored). Skips symlinks (the
# listing counts them: `skipped_symlinks`, and names up to 5), refuses unsafe names, a roster mismatch (the
# cell directories under the first glob's static prefix must equal the roster exactly) and zero files.
# With HASH 1 (teardown's rebuild), writes <run-dir>/manifest.json atomically. Exit: 0 ok, 30 refused (JSON says why), 16 io.

DATA_roster='' DATA_cells=''
links_n=0
declare -a link_names=()
declare -A seen_link=()

refuse() {
  printf '{"error":%s}\n' "$(json_str "$1")"
  exit 30
}

# Adds the files matching globs $1 (newline list, relative to the cwd; `*.tmp` ignored) to `files`, each once,
# through lib.sh's glob_find; skips symlinks (counted in links_n, the first names in link_names) and refuses
# unsafe names. With $2 (a cell), tags each file with it in `cell_of` and counts it in `hits_n` (a file another
# cell already listed still counts for this one).
add_files() {
  local globs=$1 cell=${2:-} rec f kind
  hits_n=0
  # lib.sh's one glob expander and its one symlink rule: `MTIME SIZE PATH` records, `MTIME L PATH` for a symlink.
  while IFS= read -r -d '' rec; do
    f=${rec#* }
    kind=${f%% *}
    f=${f#* }
    f=${f#./}
    if [ "$kind" = L ]; then
      # The one symlink rule (probe, sync, follow, collect): never followed, skipped, counted, named.
      [ -n "${seen_link[$f]:-}" ] && continue
      seen_link[$f]=1
      links_n=$((links_n + 1))
      ((${#link_names[@]} < 5)) && [[ $f =~ ^[A-Za-z0-9_./-]{1,200}$ ]] && link_names+=("$f")
      continue
    fi
    is_safe_path "$f" || refuse "unsafe file name '$f' (letters, digits, . _ - and /, no leading dot or dash)"
    hits_n=$((hits_n + 1))
    [ -n "${seen[$f]:-}" ] && continue
    seen[$f]=1
    files+=("$f")
    [ -n "$cell" ] && cell_of[$f]=$cell
  done < <(glob_find . "$globs")
}

# A sweep's files, cell by cell (sets `want` and `cell_of`): the cells asked for must exist, be DONE
# (unless latest-only) and have files; every problem is named, cells first.
collect_cells() {
  local c cg kind
  local -a bad=() empty=()
  local -A known=()
  while IFS= read -r c; do is_cell_name "$c" && known[$c]=1; done <"$run_dir/cells.list"
  if [ -n "$DATA_cells" ]; then
    while IFS= read -r c; do
      [ -n "$c" ] || continue
      [ -n "${known[$c]:-}" ] || refuse "run $run_id has no cell '$c'"
      want+=("$c")
    done <<<"$DATA_cells"
  else
    mapfile -t want < <(grep -E "$TETHER_CELL_NAME_RE" "$run_dir/cells.list")
  fi
  ((${#want[@]})) || refuse "run $run_id lists no cells"
  if [ "$latest" != 1 ]; then
    for c in "${want[@]}"; do
      [ -f "$run_dir/cells/$c/DONE" ] && continue
      kind=running
      [ -f "$run_dir/cells/$c/FAILED" ] && kind=failed
      [ "$(last_attempt "$run_dir/cells/$c")" = 0 ] && kind='never started'
      bad+=("$c ($kind)")
    done
    ((${#bad[@]} == 0)) || refuse "cells not finished: $(printf '%s, ' "${bad[@]}" | sed 's/, $//'); collect the finished ones with 'cells', or wait"
  fi
  for c in "${want[@]}"; do
    rd cg "$run_dir/cells/$c/checkpoints"
    add_files "$cg" "$c"
    ((hits_n > 0)) || empty+=("$c")
  done
  ((${#empty[@]} == 0)) || refuse "no checkpoint files for cell(s): $(printf '%s, ' "${empty[@]}" | sed 's/, $//')"
}

# The newest of the given files whose size and mtime hold still across one second (never one still being
# written), in `picked`.
newest_settled() {
  local -a by_age=()
  local f a b
  picked=()
  (($#)) || return 0
  mapfile -t by_age < <(stat -c '%Y %n' -- "$@" | sort -rn | cut -d' ' -f2-)
  for f in "${by_age[@]}"; do
    a=$(stat -c '%s %Y' -- "$f")
    sleep 1
    b=$(stat -c '%s %Y' -- "$f")
    if [ "$a" = "$b" ]; then picked=("$f"); return 0; fi
  done
}

main() {
  local run_root run_id latest run_dir workdir globs f n=0 attempt cells root out tmp hits_n
  local -a files=() picked=() parts=()
  local -A seen=()
  run_root=$(expand_home "$1")
  run_id=$2
  latest=$3
  hash=${4:-1}
  run_dir=$run_root/$run_id
  read_data || refuse "the manifest request did not arrive complete"
  [ -f "$run_dir/spec.json" ] || refuse "no run record at $run_dir"
  rd workdir "$run_dir/workdir"
  workdir=$(expand_home "$workdir")
  rd globs "$run_dir/checkpoints"
  [ -n "$globs" ] || refuse "the run declares no checkpoint globs (launch input 'checkpoints')"
  cd "$workdir" 2>/dev/null || refuse "workdir $workdir is missing"
  shopt -s globstar nullglob
  local -A cell_of=()
  local -a want=()
  if [ -f "$run_dir/cells.list" ]; then
    [ -z "$DATA_roster" ] || refuse "run $run_id is a sweep: its roster is its cells (use 'cells' to collect some of them, not 'roster')"
    collect_cells
  elif [ -n "$DATA_cells" ]; then
    refuse "run $run_id is not a sweep; 'cells' is for sweeps"
  fi
  ((${#want[@]})) || add_files "$globs"
  ((${#files[@]} > 0)) || refuse "no-checkpoints: no file in $workdir matches the run's checkpoint globs ($(printf '%s\n' "$globs" | sed '/^$/d' | paste -sd, - | sed 's/,/, /g')): check the launch input 'checkpoints' against where the job saves$( ((links_n)) && printf '; %s symlink(s) matched and were skipped (never followed)' "$links_n")"

  if [ -n "$DATA_roster" ]; then
    # Cells are the directories right under the static part of the first glob (`results/*/x.pt` → results/<cell>).
    local base='' part
    IFS=/ read -r -a parts <<<"${globs%%$'\n'*}"
    for part in "${parts[@]}"; do
      [[ $part == *[*?[]* ]] && break
      base+="$part/"
    done
    cells=$(for f in "${files[@]}"; do
      f=${f#"$base"}
      [[ $f == */* ]] && printf '%s\n' "${f%%/*}"
    done | sort -u)
    root=$(printf '%s\n' "$DATA_roster" | sed '/^$/d' | sort -u)
    [ "$cells" = "$root" ] || refuse "roster mismatch: expected [$(echo "$root" | paste -sd, -)], found [$(echo "$cells" | paste -sd, -)]"
  fi

  if [ "$latest" = 1 ] && ((${#want[@]})); then
    # A sweep: the newest settled file of each cell.
    local c
    local -a all=("${files[@]}")
    files=()
    for c in "${want[@]}"; do
      local -a mine=()
      for f in "${all[@]}"; do [ "${cell_of[$f]}" = "$c" ] && mine+=("$f"); done
      picked=()
      newest_settled "${mine[@]}"
      ((${#picked[@]})) || refuse "every checkpoint of cell $c is still being written; try again"
      files+=("${picked[@]}")
    done
  elif [ "$latest" = 1 ]; then
    # The newest file whose size and mtime hold still across one second: never one still being written.
    newest_settled "${files[@]}"
    ((${#picked[@]})) || refuse "every checkpoint is still being written; try again"
    files=("${picked[@]}")
  fi

  attempt=$(last_attempt "$run_dir")
  out="{\"attempt\":$attempt,"
  if ((${#want[@]})); then
    out+="\"cells\":["
    first=1
    while IFS= read -r f; do
      jv jc "$f"
      ((first)) || out+=','
      first=0
      out+=$jc
    done < <(printf '%s\n' "${want[@]}" | sort)
    out+='],'
  fi
  out+="\"created_at\":\"$(now_utc)\","
  local total=0 first=1 h p size j jc jw mtime
  jv jw "$workdir"
  if [ "$hash" = 0 ]; then
    out+='"files":['
    while IFS=' ' read -r size mtime p; do
      jv j "$p"
      ((first)) || out+=','
      first=0
      out+="{\"bytes\":$size,"
      if ((${#want[@]})); then
        jv jc "${cell_of[$p]}"
        out+="\"cell\":$jc,"
      fi
      out+="\"mtime\":\"$mtime\",\"path\":$j}"
      n=$((n + 1))
    done < <(stat -c '%s %.9Y %n' -- "${files[@]}" | LC_ALL=C sort -k3)
    ((n == ${#files[@]})) || refuse "could not list every file"
    jv j "$run_id"
    local links='' l jl
    for l in "${link_names[@]}"; do
      jv jl "$l"
      links+="${links:+,}$jl"
    done
    printf '%s\n' "$out],\"latest_only\":$([ "$latest" = 1 ] && echo true || echo false),\"run_id\":$j,\"schema\":\"tether.listing/v1\",\"skipped_symlinks\":{\"count\":$links_n,\"names\":[$links]},\"workdir\":$jw}"
    return 0
  fi
  out+="\"file_count\":${#files[@]},\"files\":["
  while read -r h p; do
    size=$(stat -c %s -- "$p")
    total=$((total + size))
    jv j "$p"
    ((first)) || out+=','
    first=0
    if ((${#want[@]})); then
      jv jc "${cell_of[$p]}"
      out+="{\"bytes\":$size,\"cell\":$jc,\"path\":$j,\"sha256\":\"$h\"}"
    else
      out+="{\"bytes\":$size,\"path\":$j,\"sha256\":\"$h\"}"
    fi
    n=$((n + 1))
  done < <(hash_files "${files[@]}" | sort -k2)
  ((n == ${#files[@]})) || refuse "could not hash every file"
  jv j "$run_id"
  out+="],\"latest_only\":$([ "$latest" = 1 ] && echo true || echo false),\"run_id\":$j,\"schema\":\"tether.manifest/v1\",\"total_bytes\":$total,\"workdir\":$jw}"
  tmp="$run_dir/manifest.json.tmp.$$"
  if ! { printf '%s\n' "$out" >"$tmp" && mv -f "$tmp" "$run_dir/manifest.json"; }; then
    rm -f "$tmp"
    echo '{"error":"cannot write manifest.json (disk full?)"}'
    exit 16
  fi
  printf '%s\n' "$out"
}
main "$@"; exit $?
