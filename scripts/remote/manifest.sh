#!/usr/bin/env bash
# Lists a run's checkpoint files on the box for collect and teardown (schema tether.box-files/v1), as one
# line: names, sizes and exact mtimes; reads no file and writes nothing (the hashes come with the bytes,
# send.sh). It only lists and measures: which cells are finished, the roster, the latest file and every
# refusal of those are decided in TypeScript (src/record/listing.ts), from what this prints.
# Args: RUN_ROOT RUN_ID STILL(0|1): with 1, each file is also marked `still` when its size and mtime hold
# across one second (lib.sh's still_files: never one being written), for a latest-only collect.
# Stdin data: `cells b64(newline list)` (a sweep: walk only these cells' globs; none: all cells), then `end`.
# Files come from the run's checkpoint globs (relative to its workdir; `*.tmp` ignored), or per cell of a sweep
# (cells.list in the run record) from each cell's own globs, every file with the cells whose globs matched it.
# Symlinks are skipped (counted: `skipped_symlinks`, and named up to 5); an unsafe name is refused.
# Exit: 0 ok, 30 refused (JSON says why).

DATA_cells=''
links_n=0
declare -a link_names=() files=()
declare -A seen_link=() seen=() cells_of=()

refuse() {
  printf '{"error":%s}\n' "$(json_str "$1")"
  exit 30
}

# Adds the files matching globs $1 (newline list, relative to the cwd; `*.tmp` ignored) to `files`, each once,
# through lib.sh's glob_find; skips symlinks (counted in links_n, the first names in link_names) and refuses
# unsafe names. With $2 (a cell), adds it to each file's `cells_of` (a file several cells match names each).
add_files() {
  local globs=$1 cell=${2:-} rec f kind
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
    [ -n "$cell" ] && cells_of[$f]+="${cells_of[$f]:+ }$cell"
    [ -n "${seen[$f]:-}" ] && continue
    seen[$f]=1
    ((${#files[@]} < TETHER_MANIFEST_FILES_MAX)) || refuse "more than $TETHER_MANIFEST_FILES_MAX checkpoint files match"
    files+=("$f")
  done < <(glob_find . "$globs")
}

# JSON array of the newline list $1.
json_lines() {
  local out='' l j
  while IFS= read -r l; do
    [ -n "$l" ] || continue
    jv j "$l"
    out+="${out:+,}$j"
  done <<<"$1"
  printf '[%s]' "$out"
}

# A sweep's cells as listed: each cell's markers (done, failed, attempt) and globs, and its files added.
# Only the cells in DATA_cells when given (an unknown name is left for the runner to refuse).
list_cells() {
  local c cg first=1
  local -A want=()
  if [ -n "$DATA_cells" ]; then
    while IFS= read -r c; do [ -n "$c" ] && want[$c]=1; done <<<"$DATA_cells"
  fi
  cells_json='['
  while IFS= read -r c; do
    is_cell_name "$c" || continue
    if [ -n "$DATA_cells" ] && [ -z "${want[$c]:-}" ]; then
      ((first)) || cells_json+=','
      first=0
      cells_json+="{\"name\":\"$c\",\"listed\":false}"
      continue
    fi
    rd cg "$run_dir/cells/$c/checkpoints"
    add_files "$cg" "$c"
    ((first)) || cells_json+=','
    first=0
    cells_json+="{\"name\":\"$c\",\"listed\":true,\"done\":$([ -f "$run_dir/cells/$c/DONE" ] && echo true || echo false),\"failed\":$([ -f "$run_dir/cells/$c/FAILED" ] && echo true || echo false),\"attempt\":$(last_attempt "$run_dir/cells/$c"),\"globs\":$(json_lines "$cg")}"
  done < <(head -n "$CELLS_MAX" "$run_dir/cells.list")
  cells_json+=']'
}

main() {
  local run_root run_id still run_dir workdir globs cells_json=null out first=1 size mtime p j jw n=0 links='' l jl
  local -A held=()
  run_root=$(expand_home "$1")
  run_id=$2
  still=$3
  is_run_id "$run_id" || refuse "not a run id"
  run_dir=$run_root/$run_id
  read_data || refuse "the listing request did not arrive complete"
  [ -f "$run_dir/spec.json" ] || refuse "no run record at $run_dir"
  rd workdir "$run_dir/workdir"
  workdir=$(expand_home "$workdir")
  rd globs "$run_dir/checkpoints"
  [ -n "$globs" ] || refuse "the run declares no checkpoint globs (launch input 'checkpoints')"
  cd "$workdir" 2>/dev/null || refuse "workdir $workdir is missing"
  if [ -f "$run_dir/cells.list" ]; then
    list_cells
  else
    add_files "$globs"
  fi
  if [ "$still" = 1 ] && ((${#files[@]})); then
    while IFS= read -r p; do held[$p]=1; done < <(still_files "${files[@]}")
  fi
  jv jw "$workdir"
  jv j "$run_id"
  out="{\"schema\":\"tether.box-files/v1\",\"run_id\":$j,\"attempt\":$(last_attempt "$run_dir"),\"created_at\":\"$(now_utc)\",\"workdir\":$jw,\"globs\":$(json_lines "$globs"),\"cells\":$cells_json,\"files\":["
  if ((${#files[@]})); then
    while IFS=' ' read -r size mtime p; do
      jv j "$p"
      ((first)) || out+=','
      first=0
      out+="{\"path\":$j,\"bytes\":$size,\"mtime\":\"$mtime\""
      [ -n "${cells_of[$p]:-}" ] && out+=",\"cells\":$(json_lines "${cells_of[$p]// /$'\n'}")"
      [ "$still" = 1 ] && out+=",\"still\":$([ -n "${held[$p]:-}" ] && echo true || echo false)"
      out+='}'
      n=$((n + 1))
    done < <(stat -c '%s %.9Y %n' -- "${files[@]}" | LC_ALL=C sort -k3)
  fi
  ((n == ${#files[@]})) || refuse "could not list every file"
  for l in "${link_names[@]}"; do
    jv jl "$l"
    links+="${links:+,}$jl"
  done
  printf '%s\n' "$out],\"skipped_symlinks\":{\"count\":$links_n,\"names\":[$links]}}"
}
main "$@"; exit $?
