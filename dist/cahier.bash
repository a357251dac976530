# bash completion for cahier and cahierd: their commands, sub-commands and
# options, read from the programs' own usage texts (cahier --help, cahier
# COMMAND --help, cahierd --help), so that they follow the version
# installed. It never asks a daemon anything (a case list is a read, and
# recorded): a case, an entry or a name is left to the user; file
# arguments complete as files.

# _cahier_flags: the options (-x, --long-name) in the text on stdin
_cahier_flags()
{
	grep -oE -- '(^|[^[:alnum:]-])--?[[:alpha:]][[:alnum:]-]*' | sed 's/^[^-]*//' | sort -u
}

_cahier()
{
	local prog=$1 cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local i cmd= cmdi=0 w
	COMPREPLY=()
	case $prev in
	--home) COMPREPLY=($(compgen -d -- "$cur")); return ;;
	--passphrase-file|--cert|--card|--key) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--passphrase-fd|--timeout) return ;;
	esac
	# the command: the first word that is no option nor a global option's value
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		--home|--passphrase-file|--passphrase-fd|--timeout) ((i++)) ;;
		-*) ;;
		*) cmd=$w cmdi=$i; break ;;
		esac
	done
	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$("$prog" --help 2>/dev/null |
				sed '/^commands:/,$d' | _cahier_flags)" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$("$prog" --help 2>/dev/null |
				awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }')" -- "$cur"))
		fi
		return
	fi
	if [[ $cur == -* ]]; then
		# an export's own options once its format is given: "cahier export
		# CASE --missing-person --<TAB>" reads "cahier export
		# --missing-person --help"
		local fmt= fmts
		if [[ $cmd == export ]]; then
			fmts=$("$prog" export --help 2>/dev/null | _cahier_flags | grep -vx -- --help)
			for ((i = cmdi + 1; i < COMP_CWORD; i++)); do
				w=${COMP_WORDS[i]}
				[[ $w == --* ]] && grep -qxF -- "$w" <<<"$fmts" && fmt=$w
			done
		fi
		COMPREPLY=($(compgen -W "$("$prog" "$cmd" $fmt --help 2>/dev/null | _cahier_flags)" -- "$cur"))
	elif ((COMP_CWORD == cmdi + 1)); then
		# a sub-command: "cahier case new NAME", "cahier task done|cancel|reopen ..."
		COMPREPLY=($(compgen -W "$("$prog" "$cmd" --help 2>/dev/null | awk -v c="$cmd" '
			{ for (i = 1; i + 2 <= NF; i++)
				if ($i == "cahier" && $(i + 1) == c && $(i + 2) ~ /^[a-z][a-z|-]*$/) {
					n = split($(i + 2), s, "|"); for (j = 1; j <= n; j++) print s[j] } }')" -- "$cur"))
	fi
	# anything else: bash's default (file names), as complete -o default says
}

_cahierd()
{
	local prog=$1 cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local cmd=${COMP_WORDS[1]} sub=
	COMPREPLY=()
	case $prev in
	-d|--dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
	--passphrase-file|--request|-o|--out) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	esac
	if ((COMP_CWORD == 1)); then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--help --version" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$("$prog" --help 2>/dev/null |
				awk '/^  [a-z]/ { print $1 }' | sort -u)" -- "$cur"))
		fi
		return
	fi
	# "peer add", "provider revoke": a sub-command where the usage has one
	if ((COMP_CWORD > 2)) && [[ ${COMP_WORDS[2]} != -* ]]; then
		sub=${COMP_WORDS[2]}
	fi
	if ((COMP_CWORD == 2)) && [[ $cur != -* ]]; then
		COMPREPLY=($(compgen -W "$("$prog" --help 2>/dev/null | awk -v c="$cmd" '
			$1 == c && /^  [a-z]/ && $2 ~ /^[a-z]+$/ { print $2 }')" -- "$cur"))
		return
	fi
	if [[ $cur == -* ]]; then
		# the options in the command's lines of the usage, up to the next
		# command or a blank line
		COMPREPLY=($(compgen -W "$("$prog" --help 2>/dev/null | awk -v c="$cmd" -v s="$sub" '
			/^  [a-z]/ { on = $1 == c && (s == "" || $2 == s || $2 !~ /^[a-z]+$/) }
			/^$/ { on = 0 }
			on' | _cahier_flags)" -- "$cur"))
	fi
}

complete -o default -F _cahier cahier
complete -o default -F _cahierd cahierd
