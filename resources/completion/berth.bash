# bash completion for berth, the Berth command line          -*- shell-script -*-
# Completes the commands, each command's options and the values of options that take one of a
# few words. Hand-written: tests/packaging/check_cli_docs.sh runs it against `berth --help` and
# `berth COMMAND --help` so that it lists exactly the options berth has. Installed as
# share/bash-completion/completions/berth; needs nothing but bash.

# The options of one command (of `cache info` / `cache clear` for "cache info" / "cache clear"),
# as its --help lists them.
_berth_options()
{
    # Every registry command takes these (app/cli/registryoptions.cpp) ...
    local registry='--insecure --plain-http --username --password-stdin --kind --timeout'
    # ... and those that read image metadata also --no-cache.
    local cached="$registry --no-cache"
    case $1 in
        tags) echo "-h --help --json --sort --filter $registry" ;;
        inspect) echo "-h --help --json $cached" ;;
        export)
            echo "-h --help --format -o --output --filter --sort --order --columns" \
                "--per-platform $cached"
            ;;
        repos) echo "-h --help --json $registry" ;;
        retag) echo "-h --help $registry" ;;
        rm) echo "-h --help --image --delete-image -y --yes $registry" ;;
        cleanup)
            echo "-h --help --keep-last --by --keep --only --older-than --untagged --format" \
                "-y --yes --journal $cached"
            ;;
        undo) echo "-h --help -y --yes $registry" ;;
        ls) echo "-h --help --platform --layer --json $cached" ;;
        cat) echo "-h --help --platform $cached" ;;
        diff) echo "-h --help --platform --files --json $cached" ;;
        cache) echo "-h --help" ;;
        "cache info") echo "-h --help --json" ;;
        "cache clear") echo "-h --help" ;;
    esac
}

_berth()
{
    local cur=${COMP_WORDS[COMP_CWORD]}
    local prev=""
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    local commands='tags inspect export repos retag rm cleanup undo ls cat diff cache'
    COMPREPLY=()

    # The command is the first word that is not an option.
    local i command="" subcommand=""
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            -*) ;;
            *)
                if [[ -z $command ]]; then
                    command=${COMP_WORDS[i]}
                elif [[ $command == cache && -z $subcommand ]]; then
                    subcommand=${COMP_WORDS[i]}
                fi
                ;;
        esac
    done

    if [[ -z $command ]]; then
        if [[ $cur == -* ]]; then
            mapfile -t COMPREPLY < <(compgen -W '-h --help -v --version' -- "$cur")
        else
            mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur")
        fi
        return 0
    fi

    # Values of the options that take one.
    case $prev in
        --kind) mapfile -t COMPREPLY < <(compgen -W 'registry harbor' -- "$cur"); return 0 ;;
        --sort)
            if [[ $command == tags ]]; then
                mapfile -t COMPREPLY < <(compgen -W 'name pushed' -- "$cur")
            else
                mapfile -t COMPREPLY < <(compgen -W 'tag created size pushed' -- "$cur")
            fi
            return 0
            ;;
        --format)
            if [[ $command == cleanup ]]; then
                mapfile -t COMPREPLY < <(compgen -W 'table json csv' -- "$cur")
            else
                mapfile -t COMPREPLY < <(compgen -W 'csv json markdown html' -- "$cur")
            fi
            return 0
            ;;
        --order) mapfile -t COMPREPLY < <(compgen -W 'asc desc' -- "$cur"); return 0 ;;
        --by) mapfile -t COMPREPLY < <(compgen -W 'created pushed' -- "$cur"); return 0 ;;
        -o | --output | --journal)
            mapfile -t COMPREPLY < <(compgen -f -- "$cur")
            compopt -o filenames 2>/dev/null
            return 0
            ;;
        --username | --timeout | --filter | --columns | --keep-last | --keep | --only | \
            --older-than | --platform | --layer)
            return 0
            ;;
    esac

    if [[ $command == cache && -z $subcommand ]]; then
        if [[ $cur == -* ]]; then
            mapfile -t COMPREPLY < <(compgen -W "$(_berth_options cache)" -- "$cur")
        else
            mapfile -t COMPREPLY < <(compgen -W 'info clear' -- "$cur")
        fi
        return 0
    fi
    local options
    if [[ $command == cache ]]; then
        options=$(_berth_options "cache $subcommand")
    else
        options=$(_berth_options "$command")
    fi
    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$options" -- "$cur")
    elif [[ $command == undo ]]; then
        # The journal `berth cleanup --yes` wrote.
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        compopt -o filenames 2>/dev/null
    fi
    return 0
}

complete -F _berth berth
