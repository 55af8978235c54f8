#!/usr/bin/env bash
# The man page and the shell completions are written by hand; this keeps them honest. For every
# command `berth --help` lists (and the subcommands of `berth cache`), the options its --help
# lists must be exactly those that
#   - the bash completion offers (it is run: COMP_WORDS set, _berth called, COMPREPLY read),
#   - the zsh completion's `_arguments` specs for the command name,
#   - the man page documents in the command's "berth COMMAND" subsection (.TP items; an item
#     "registry options" stands for the REGISTRY OPTIONS section's items).
# The command lists of the three must be the help's too.
#   check_cli_docs.sh BERTH_BINARY SOURCE_DIR MAN_PAGE
# MAN_PAGE is the configured (uncompressed) page in the build tree.
set -euo pipefail

berth=$1
source_dir=$2
man_page=$3
bash_completion=$source_dir/resources/completion/berth.bash
zsh_completion=$source_dir/resources/completion/_berth

failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# Prints its arguments one per line, sorted and unique: the form every list is compared in.
as_set() {
    printf '%s\n' "$@" | sed '/^$/d' | sort -u
}

# compare WHAT EXPECTED ACTUAL: both newline-separated sets.
compare() {
    local what=$1 expected=$2 actual=$3
    if [[ "$expected" != "$actual" ]]; then
        fail "$what: not as berth --help says (< berth --help, > $what):"
        diff <(echo "$expected") <(echo "$actual") >&2 || true
    fi
}

# The option names of one --help text: Qt lists each option on a line of its own, indented by
# two spaces ("  -o, --output <file>  Write ..."), descriptions wrap at a deeper indent.
# --help-all is Qt's own (QCommandLineParser::addHelpOption) and berth does not act on it, so
# neither the completions nor the man page offer it.
help_options() {
    grep -E '^  -' | sed -E 's/^  //; s/ {2,}.*$//; s/ <[^>]*>//g; s/,/ /g' | tr ' ' '\n' |
        grep -E '^-' | grep -vx -- '--help-all' | sort -u
}

# What the bash completion offers for the words given (the last one is being completed).
bash_offers() {
    # shellcheck source=/dev/null
    (
        # As in an interactive shell, where completion functions run: no errexit.
        set +e
        source "$bash_completion"
        COMP_WORDS=(berth "$@")
        COMP_CWORD=$#
        _berth
        printf '%s\n' "${COMPREPLY[@]}"
    ) | sort -u
}

# The zsh completion's option names for one command block: from "(NAME)" to its ";;", specs only
# (descriptions in [...] and exclusion lists in (...) dropped), with the shared arrays $help,
# $registry and $cached expanded from their definitions.
zsh_array() {
    local name=$1
    awk -v name="$name" '
        $0 ~ "^ *" name "=\\($" { inside = 1; next }
        inside && /^ *\)$/ { inside = 0 }
        inside { print }
    ' "$zsh_completion"
}
zsh_spec_options() {
    sed -E "s/\[[^]]*\]//g; s/\([^)]*\)//g" | grep -oE "'[*]?-{1,2}[a-z][a-z-]*" |
        sed -E "s/^'[*]?//"
}
zsh_options() {
    local command=$1 block
    block=$(awk -v command="$command" '
        $0 ~ "^ *\\(" command "\\)$" { inside = 1; next }
        inside && /^ *;;$/ { exit }
        inside { print }
    ' "$zsh_completion")
    {
        echo "$block" | zsh_spec_options
        local array
        for array in help registry cached; do
            if grep -qE "\\\$$array( |$)" <<<"$block"; then
                zsh_array "$array" | zsh_spec_options
                # $cached starts with $registry.
                [[ $array == cached ]] && zsh_array registry | zsh_spec_options
            fi
        done
    } | sort -u
}

# The man page's option names of one subsection ("berth tags", "berth cache info"): the first
# line after each .TP, with roff escapes undone.
man_items() {
    sed -E 's/\\-/-/g; s/\\f[BIRP]//g; s/"//g' | grep -oE '(^|[ ,(])-{1,2}[a-z][a-z-]*' |
        sed -E 's/^[ ,(]//'
}
man_section_items() {
    # $1: an awk condition on the .SS / .SH title that starts the section.
    awk -v title="$1" '
        /^\.S[SH] / {
            line = $0; sub(/^\.S[SH] +/, "", line); gsub(/"|\\f[BIRP]/, "", line)
            inside = (line == title || index(line, title " ") == 1); next
        }
        inside && /^\.TP/ { take = 1; next }
        inside && take { print; take = 0 }
    ' "$man_page"
}
man_options() {
    local command=$1 items
    items=$(man_section_items "berth $command")
    {
        echo "$items" | man_items
        if grep -qx '\.I registry options' <<<"$items"; then
            man_section_items "REGISTRY OPTIONS" | man_items
        fi
    } | sort -u
}
man_commands() {
    sed -nE 's/^\.SS "berth ([a-z]+)( ([a-z]+))?.*/\1 \3/p' "$man_page" |
        while read -r first second; do
            # "cache info" is a subcommand; "tags REPOSITORY" has its argument in \fI...\fR.
            if [[ -n "$second" ]]; then echo "$first $second"; else echo "$first"; fi
        done | sort -u
}

# Every command in `berth --help`: "  tags      List the tags ...".
help_text=$("$berth" --help)
commands=$(sed -n '/^Commands:/,/^$/p' <<<"$help_text" | sed -nE 's/^  ([a-z]+) .*/\1/p' | sort -u)
[[ $(wc -l <<<"$commands") -ge 10 ]] || fail "found only these commands in berth --help: $commands"

# The subcommands `berth cache --help` lists ("  info [--json]     Where ...").
cache_help=$("$berth" cache --help)
cache_subcommands=$(sed -n '/^Subcommands:/,/^$/p' <<<"$cache_help" |
    sed -nE 's/^  ([a-z]+) .*/\1/p' | sort -u)
[[ -n "$cache_subcommands" ]] || fail "no subcommands in berth cache --help"

compare "the bash completion's commands" "$commands" "$(bash_offers '')"
compare "the bash completion's cache subcommands" "$cache_subcommands" "$(bash_offers cache '')"
zsh_commands=$(awk '/^ *commands=\($/ { inside = 1; next } inside && /^ *\)$/ { exit }
    inside { print }' "$zsh_completion" | sed -nE "s/^ *'([a-z]+):.*/\1/p" | sort -u)
compare "the zsh completion's commands" "$commands" "$zsh_commands"
zsh_cache=$(grep -oE "'1:subcommand:\(\(.*\)\)'" "$zsh_completion" |
    grep -oE '(\(\(| )[a-z]+\\:' | grep -oE '[a-z]+' | sort -u)
compare "the zsh completion's cache subcommands" "$cache_subcommands" "$zsh_cache"

man_expected=$(
    for command in $commands; do
        if [[ $command == cache ]]; then
            for subcommand in $cache_subcommands; do echo "cache $subcommand"; done
        else
            echo "$command"
        fi
    done | sort -u
)
compare "the man page's command subsections" "$man_expected" "$(man_commands)"

# Each command's (and cache subcommand's) options.
checked=0
while read -r command; do
    [[ -z $command ]] && continue
    read -ra words <<<"$command"
    expected=$("$berth" "${words[@]}" --help | help_options)
    if ! grep -qx -- '--help' <<<"$expected"; then
        fail "berth $command --help lists no options (not even --help)"
        continue
    fi
    compare "the bash completion of 'berth $command'" "$expected" "$(bash_offers "${words[@]}" -)"
    if [[ ${#words[@]} -eq 2 ]]; then
        compare "the zsh completion of 'berth $command'" "$expected" "$(zsh_options "${words[1]}")"
    else
        compare "the zsh completion of 'berth $command'" "$expected" "$(zsh_options "$command")"
    fi
    # --help is documented once, under OPTIONS, for every command.
    compare "the man page's 'berth $command'" \
        "$(grep -vxE -- '-h|--help' <<<"$expected")" "$(man_options "$command")"
    checked=$((checked + 1))
done <<<"$man_expected"

echo "checked $checked commands: $(echo "$man_expected" | paste -sd, -)"
if ((failures > 0)); then
    echo "$failures mismatches: resources/completion/ and resources/man/berth.1.in must list the" \
        "commands and options berth has" >&2
    exit 1
fi
echo "completions and man page match berth --help"
