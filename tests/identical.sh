#!/usr/bin/env bash
# Byte-identity check for refactors: does NEW write exactly the CSVs that OLD writes?
#
#   tests/identical.sh OLD_COMMIT [NEW_COMMIT_OR_WORKTREE]
#
# OLD_COMMIT is any commit-ish of this repository. NEW is, by default, the checkout the script is
# run from (uncommitted changes included); a folder means that checkout; anything else is taken as
# a commit. Exit status: 0 every CSV identical, 1 a CSV differs / is missing / is extra, or a run
# refused on one side only or with another exit code, 2 usage or build error.
#
# Environment:
#   PICSIM_IDENTICAL_CACHE  where built commits are kept (default ~/.cache/picsim-identical):
#                           <commit>/picsim (and <commit>/picsim-mpi), reused while the rustc that
#                           built them is the current one; target-* are the cargo target folders
#                           used to build them.
#   PICSIM_IDENTICAL_MPI=1  also build both with `--features mpi` and compare runs under
#                           `mpirun -np 2` (fails with exit 2 if mpirun is not on PATH).
#   PICSIM_IDENTICAL_KEEP=1 keep the outputs (they are always kept when something differs).
#
# Why only CSVs: they are the results, and picsim promises them byte-identical for a seed whatever
# --threads is (README). PNGs, report.html and manifest.json carry timings, paths and versions, so
# they are not compared; the set of CSV files on each side is.
set -euo pipefail

usage() {
    echo "usage: tests/identical.sh OLD_COMMIT [NEW_COMMIT_OR_WORKTREE]" >&2
    exit 2
}
die() {
    echo "identical.sh: $*" >&2
    exit 2
}
[[ $# -ge 1 && $# -le 2 ]] || usage
[[ $1 == -h || $1 == --help ]] && usage

CACHE=${PICSIM_IDENTICAL_CACHE:-$HOME/.cache/picsim-identical}
MPI=${PICSIM_IDENTICAL_MPI:-0}
KEEP=${PICSIM_IDENTICAL_KEEP:-0}
SEED=7
REPS=2
start=$SECONDS

# --- What is compared with what ---------------------------------------------------------------
NEW_DIR=""
NEW_COMMIT=""
if [[ $# -lt 2 ]]; then
    NEW_DIR=$(git rev-parse --show-toplevel 2>/dev/null) || die "run it inside a picsim checkout"
elif [[ -d $2 ]]; then
    NEW_DIR=$(cd "$2" && git rev-parse --show-toplevel) || die "$2 is not a git checkout"
fi
# Commits are resolved in NEW's repository (or the current one when NEW is a commit).
REPO=${NEW_DIR:-$(git rev-parse --show-toplevel 2>/dev/null)} || die "run it inside a picsim checkout"
OLD_COMMIT=$(git -C "$REPO" rev-parse --verify --quiet "$1^{commit}") || die "unknown commit: $1"
if [[ -z $NEW_DIR ]]; then
    NEW_COMMIT=$(git -C "$REPO" rev-parse --verify --quiet "$2^{commit}") || die "unknown commit or folder: $2"
fi
# A cached binary is only as good as the compiler that made it: key it on rustc's full version.
RUSTC_ID=$(cd "$REPO" && rustc -vV)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/picsim-identical.XXXXXX")
WORKTREES=()
FAILED=0
cleanup() {
    local wt
    for wt in "${WORKTREES[@]}"; do
        git -C "$REPO" worktree remove --force "$wt" 2>/dev/null || true
    done
    if [[ $FAILED -eq 0 && $KEEP != 1 ]]; then
        rm -rf "$WORK"
    else
        echo "outputs kept in $WORK" >&2
    fi
}
trap cleanup EXIT
# A build or a command that fails half-way counts as a failure for cleanup (keeps the outputs).
trap 'FAILED=1' ERR

echo "== old: $OLD_COMMIT"
echo "== new: ${NEW_DIR:-$NEW_COMMIT}${NEW_DIR:+ (checkout, uncommitted changes included)}"

# --- Builds -------------------------------------------------------------------------------------

# Cargo must not see another checkout's artefacts in the target folder it builds in: picsim's
# units get the same hash in every checkout of the repository, so building checkout A in B's
# target folder replaces B's target/release/picsim, and B's next `cargo build` can call it fresh
# (observed with cargo 1.95). So each side has its own target folder, the old one is cleaned of
# picsim's artefacts before a build, and after every build the dep-info file must name the
# sources of the checkout just built.
check_depinfo() { # TARGET_DIR SOURCE_DIR
    local d=$1/release/picsim.d
    [[ -f $d ]] || die "no $d after the build"
    grep -qF -- " $2/src/" "$d" ||
        die "$1/release/picsim was not built from $2 (see $d); refusing to compare a stale binary"
}

# build_commit COMMIT NAME [cargo args...]: sets BUILT to the cached binary of COMMIT, building it
# in a temporary worktree when the cache has none (or one from another rustc).
build_commit() {
    local commit=$1 name=$2
    shift 2
    local bin=$CACHE/$commit/$name
    if [[ -x $bin && -f $bin.rustc && "$(cat "$bin.rustc")" == "$RUSTC_ID" ]]; then
        echo "-- $name of ${commit:0:12}: cached ($bin)"
        BUILT=$bin
        return
    fi
    echo "-- $name of ${commit:0:12}: building in a temporary worktree"
    local src=$WORK/src-$name-${commit:0:12} target=$CACHE/target-$name
    git -C "$REPO" worktree add --detach --quiet "$src" "$commit"
    WORKTREES+=("$src")
    mkdir -p "$CACHE/$commit"
    (cd "$src" && CARGO_TARGET_DIR=$target cargo clean --release -p picsim --quiet)
    (cd "$src" && CARGO_TARGET_DIR=$target cargo build --release "$@")
    check_depinfo "$target" "$src"
    # Copy then rename, so that an interrupted copy never looks like a cached binary.
    cp "$target/release/picsim" "$bin.tmp.$$"
    mv "$bin.tmp.$$" "$bin"
    printf '%s\n' "$RUSTC_ID" >"$bin.rustc"
    git -C "$REPO" worktree remove --force "$src"
    BUILT=$bin
}

# build_new NAME SUBDIR [cargo args...]: sets BUILT to a copy (in WORK, so a rebuild during the
# check cannot change it) of NEW's binary.
build_new() {
    local name=$1 sub=$2
    shift 2
    if [[ -n $NEW_COMMIT ]]; then
        build_commit "$NEW_COMMIT" "$name" "$@"
        return
    fi
    local target
    target=$(cd "$NEW_DIR" && cargo metadata --no-deps --format-version 1 |
        sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
    [[ -n $target ]] || die "cargo metadata gave no target folder for $NEW_DIR"
    target=$target$sub
    echo "-- $name of the checkout: cargo build --release $* (target $target)"
    (cd "$NEW_DIR" && CARGO_TARGET_DIR=$target cargo build --release "$@")
    check_depinfo "$target" "$NEW_DIR"
    mkdir -p "$WORK/bin"
    cp "$target/release/picsim" "$WORK/bin/new-$name"
    BUILT=$WORK/bin/new-$name
}

build_commit "$OLD_COMMIT" picsim
OLD_BIN=$BUILT
build_new picsim ""
NEW_BIN=$BUILT
if [[ $MPI == 1 ]]; then
    command -v mpirun >/dev/null || die "PICSIM_IDENTICAL_MPI=1 but mpirun is not on PATH"
    # The mpi feature changes every artefact: its own target folders (as .ci/run does).
    build_commit "$OLD_COMMIT" picsim-mpi --features mpi
    OLD_MPI_BIN=$BUILT
    build_new picsim-mpi /mpi --features mpi
    NEW_MPI_BIN=$BUILT
fi
build_seconds=$((SECONDS - start))

# --- The scenario files both binaries run ---------------------------------------------------------

# Both binaries run NEW's scenario files from the same folder with the same relative paths, so
# that a difference can only come from the code. A change to scenarios/ between OLD and NEW is
# reported (it is not part of a pure refactor), not failed.
if [[ -n $NEW_DIR ]]; then
    RUNDIR=$NEW_DIR
else
    RUNDIR=$WORK/tree
    mkdir -p "$RUNDIR"
    git -C "$REPO" archive "$NEW_COMMIT" scenarios | tar -x -C "$RUNDIR"
fi
mkdir -p "$WORK/old-tree"
git -C "$REPO" archive "$OLD_COMMIT" scenarios | tar -x -C "$WORK/old-tree"
SCENARIOS_NOTE=""
if ! diff -rq "$WORK/old-tree/scenarios" "$RUNDIR/scenarios" >"$WORK/scenarios.diff" 2>&1; then
    SCENARIOS_NOTE="warning: scenarios/ differs between OLD and NEW (both ran NEW's files):"$'\n'"$(cat "$WORK/scenarios.diff")"
    echo "$SCENARIOS_NOTE" >&2
fi

# --- Running ------------------------------------------------------------------------------------

# The sides: OLD once (2 threads), NEW with 1 and with 2 threads (the CSVs must not depend on it).
SIDES=(old new-t1 new-t2)
side_bin() { [[ $1 == old ]] && echo "$OLD_BIN" || echo "$NEW_BIN"; }
side_threads() { case $1 in new-t1) echo 1 ;; *) echo 2 ;; esac; }

CASES=()
# run_case NAME THREADED CMD...: runs CMD with each side's binary, from RUNDIR. @OUT@ in CMD is
# replaced by the side's output folder for this case, @SIDE@ by the side's folder (for `compare`,
# which reads the side's earlier runs). THREADED=1 appends --threads N. The exit status, stdout and
# stderr are kept beside the output folder.
run_case() {
    local name=$1 threaded=$2
    shift 2
    CASES+=("$name")
    local side t0=$SECONDS
    for side in "${SIDES[@]}"; do
        local sdir=$WORK/$side
        mkdir -p "$sdir"
        local args=("${@//@OUT@/$sdir/$name}")
        args=("${args[@]//@SIDE@/$sdir}")
        [[ $threaded == 1 ]] && args+=(--threads "$(side_threads "$side")")
        local rc=0
        (cd "$RUNDIR" && ${LAUNCH:-} "$(side_bin "$side")" "${args[@]}") \
            >"$sdir/$name.stdout" 2>"$sdir/$name.stderr" || rc=$?
        echo "$rc" >"$sdir/$name.rc"
    done
    printf '   ran %-40s %3d s  (%s)\n' "$name" $((SECONDS - t0)) "$*"
}

shopt -s nullglob globstar
cd "$RUNDIR"
# scenarios/examples/ holds contact lists today; a .toml put there is run too (a scenario that
# does not run stand-alone just has to be refused the same way by both).
SCENS=(scenarios/*.toml scenarios/examples/**/*.toml)
cd - >/dev/null
[[ ${#SCENS[@]} -gt 0 ]] || die "no scenarios/*.toml in $RUNDIR"
DEFAULT=scenarios/pic-2013.toml
[[ -f $RUNDIR/$DEFAULT ]] || die "no default scenario $DEFAULT in $RUNDIR"

# Whether scenario file $1, or a scenario it extends, declares a contact graph.
has_graph() {
    grep -q 'population\.graph' "$1" && return 0
    local parent
    parent=$(sed -n 's/^extends *= *"\(.*\)".*/\1/p' "$1" | head -n 1)
    [[ -n $parent && -f $(dirname "$1")/$parent ]] && has_graph "$(dirname "$1")/$parent"
}

echo "== running (seed $SEED, $REPS replications; old with 2 threads, new with 1 and 2)"
for scen in "${SCENS[@]}"; do
    base=$(basename "$scen" .toml)
    size=()
    # A contact graph (wlm-bass: ~11 M edges, 16 s and 1 GB a run at full size) is what makes a
    # shipped scenario slow: run those with fewer organisations. The others run at full size. A
    # graph may come from the scenario it extends: wlm-bass-full (the Messenger graph's size, 18
    # GB a replication) would otherwise run whole where memory allows it and be refused where not
    # (2 threads here, 1 there), which is no comparison; at 50 organisations it is 4 M persons.
    if grep -q 'population\.graph' "$RUNDIR/$scen"; then
        size=(--set orgs.count=500)
    elif has_graph "$RUNDIR/$scen"; then
        size=(--set orgs.count=50)
    fi
    if grep -q 'population\.import' "$RUNDIR/$scen"; then
        # Imported addresses are written as pseudonyms with a salt drawn afresh for every run, so
        # user_impact.csv and rejected.csv would differ even between two runs of one binary:
        # --reveal-addresses makes them deterministic. As shipped (bad rows) the run is refused;
        # that is kept as a case, and the rows are then skipped as the README says.
        run_case "run-$base" 1 run "$scen" --seed $SEED --replications $REPS --out @OUT@ --quiet \
            --reveal-addresses "${size[@]}"
        run_case "run-$base-skip-bad-rows" 1 run "$scen" --seed $SEED --replications $REPS \
            --out @OUT@ --quiet --reveal-addresses --skip-bad-rows "${size[@]}"
    else
        run_case "run-$base" 1 run "$scen" --seed $SEED --replications $REPS --out @OUT@ --quiet \
            "${size[@]}"
    fi
done

# The default scenario has no [sweep] table, so the sweep is given with --vary: 2 x 2 = 4 runs at
# full size, each in run-NNN/ with its own CSVs, plus runs.csv and compare.csv.
run_case sweep-pic-2013 1 sweep "$DEFAULT" --vary behaviours.recovery.probability=0,1 \
    --vary providers.aol.until=2014-06-29,2014-06-30 --seed $SEED --replications $REPS \
    --out @OUT@ --quiet
# Its [sensitivity] table has 25 keys, so 51 runs: with 500 organisations (a minute per side at
# full size, 13 s like this).
run_case sensitivity-pic-2013 1 sensitivity "$DEFAULT" --set orgs.count=500 --seed $SEED \
    --replications $REPS --out @OUT@ --quiet
# compare: the README's example (the default against two counterfactuals), over each side's own
# runs above; it names runs by folder, so the sides' different parent folders do not matter.
if [[ -f $RUNDIR/scenarios/no-skype-connectivity.toml && -f $RUNDIR/scenarios/aim-direct.toml ]]; then
    run_case compare-pic-2013 0 compare @SIDE@/run-pic-2013 @SIDE@/run-no-skype-connectivity \
        @SIDE@/run-aim-direct --out @OUT@ --quiet
fi
# population --export: the contagion scenario, so that graph.csv has rows.
POP=scenarios/wlm-bass.toml
[[ -f $RUNDIR/$POP ]] || POP=$DEFAULT
run_case "population-$(basename "$POP" .toml)" 1 population "$POP" --set orgs.count=500 \
    --seed $SEED --export @OUT@

if [[ $MPI == 1 ]]; then
    echo "== running under mpirun -np 2 (old and new built with --features mpi)"
    SIDES=(old-mpi new-mpi)
    side_bin() { [[ $1 == old-mpi ]] && echo "$OLD_MPI_BIN" || echo "$NEW_MPI_BIN"; }
    side_threads() { echo 1; }
    # As tests/integration/mpi.rs launches it: as root, and with more ranks than cores allowed.
    LAUNCH="mpirun --allow-run-as-root --oversubscribe -np 2"
    # 2 replications: each rank runs whole ones; 1: both ranks share one (organisations split);
    # the contagion scenario: first passage spread over the ranks.
    run_case mpi-run-pic-2013-split 1 run "$DEFAULT" --set orgs.count=200 --seed $SEED \
        --replications 2 --out @OUT@ --quiet
    run_case mpi-run-pic-2013-shared 1 run "$DEFAULT" --set orgs.count=200 --seed $SEED \
        --replications 1 --out @OUT@ --quiet
    if [[ -f $RUNDIR/scenarios/wlm-bass.toml ]]; then
        run_case mpi-run-wlm-bass 1 run scenarios/wlm-bass.toml --set orgs.count=120 \
            --seed $SEED --replications 1 --out @OUT@ --quiet
    fi
    LAUNCH=""
fi
run_seconds=$((SECONDS - start - build_seconds))

# --- Comparing ----------------------------------------------------------------------------------

compared=0
differing=0
setdiff=0
refused=0
failed_cases=0
csvs() { (cd "$1" && find . -type f -name '*.csv' | sed 's|^\./||' | LC_ALL=C sort); }

# compare_case NAME OLD_SIDE NEW_SIDE
compare_case() {
    local name=$1 o=$WORK/$2/$1 n=$WORK/$3/$1 label="$1 [$2 vs $3]"
    local orc nrc
    orc=$(cat "$o.rc")
    nrc=$(cat "$n.rc")
    if [[ $orc != 0 || $nrc != 0 ]]; then
        if [[ $orc == "$nrc" ]]; then
            refused=$((refused + 1))
            echo "ok     $label: refused by both with exit $orc, as it should be"
            # The message should not change in a refactor either; it may name the output folder.
            if ! diff -q <(sed "s|$WORK/$2|SIDE|g" "$o.stderr") \
                <(sed "s|$WORK/$3|SIDE|g" "$n.stderr") >/dev/null; then
                echo "       note: the messages differ ($o.stderr, $n.stderr)"
            fi
        else
            failed_cases=$((failed_cases + 1))
            echo "FAIL   $label: exit $orc (old) but $nrc (new); see $o.stderr and $n.stderr"
        fi
        return
    fi
    local both only_old only_new f c=0 d=0
    both=$(LC_ALL=C comm -12 <(csvs "$o") <(csvs "$n"))
    only_old=$(LC_ALL=C comm -23 <(csvs "$o") <(csvs "$n"))
    only_new=$(LC_ALL=C comm -13 <(csvs "$o") <(csvs "$n"))
    for f in $only_old; do
        echo "FAIL   $label: $f written by old only"
        setdiff=$((setdiff + 1))
    done
    for f in $only_new; do
        echo "FAIL   $label: $f written by new only"
        setdiff=$((setdiff + 1))
    done
    for f in $both; do
        c=$((c + 1))
        if ! cmp "$o/$f" "$n/$f" >"$WORK/cmp.out" 2>&1; then
            d=$((d + 1))
            echo "DIFFER $label: $f: $(cat "$WORK/cmp.out")"
        fi
    done
    compared=$((compared + c))
    differing=$((differing + d))
    if [[ $c -eq 0 ]]; then
        echo "FAIL   $label: succeeded but wrote no CSV"
        failed_cases=$((failed_cases + 1))
    elif [[ $d -eq 0 && -z $only_old && -z $only_new ]]; then
        echo "ok     $label: $c CSVs identical"
    else
        failed_cases=$((failed_cases + 1))
    fi
}

echo "== comparing CSVs byte for byte"
for name in "${CASES[@]}"; do
    if [[ $name == mpi-* ]]; then
        compare_case "$name" old-mpi new-mpi
    else
        compare_case "$name" old new-t1
        compare_case "$name" old new-t2
    fi
done

echo "== summary"
[[ -n $SCENARIOS_NOTE ]] && echo "$SCENARIOS_NOTE"
echo "cases: ${#CASES[@]} (${refused} comparisons where both refused with the same exit code)"
echo "CSV files compared: $compared; differing: $differing; missing or extra: $setdiff"
echo "time: builds ${build_seconds} s, runs ${run_seconds} s, total $((SECONDS - start)) s"
if [[ $failed_cases -ne 0 ]]; then
    FAILED=1
    echo "NOT IDENTICAL: $failed_cases comparison(s) failed"
    exit 1
fi
echo "IDENTICAL: every CSV of ${NEW_COMMIT:-$NEW_DIR} equals ${OLD_COMMIT}'s"
