# hermes-scan for zsh: every command line is scanned when you press Enter, before it runs.
# Load it from ~/.zshrc with:   eval "$(hermes-scan init zsh)"
# Loading it never changes what a non-interactive shell runs: no `return` or `exit` here, only a
# condition around the hook, so the lines after the `eval` in a script or .zshrc still run.
if [[ -z "${ZSH_VERSION-}" ]]; then
  echo "hermes-scan: this is the zsh hook; load the one for your shell (hermes-scan init bash|fish)" >&2
elif [[ -o interactive ]]; then
  typeset -g __hermes_scan_bin=@BIN@
  export HERMES_SCAN_SESSION="${HERMES_SCAN_SESSION:-zsh-$$-$RANDOM}"

  __hermes_scan_accept_line() {
    emulate -L zsh
    if [[ -z "${BUFFER//[[:space:]]/}" ]]; then
      zle .accept-line
      return
    fi
    zle -I
    # $PREBUFFER holds the earlier lines of a command zsh is still reading (an open quote,
    # block or heredoc): they are judged with this one. Exit 3: unfinished so far, go on.
    "$__hermes_scan_bin" prompt --pending "$PREBUFFER" -- "$BUFFER" </dev/tty >/dev/tty 2>&1
    case $? in
      0|3) zle .accept-line ;;
      *) zle reset-prompt ;;
    esac
  }
  zle -N accept-line __hermes_scan_accept_line

  # Pasted text with terminal escapes or invisible characters gets a warning as it lands.
  __hermes_scan_paste() {
    emulate -L zsh
    zle .bracketed-paste "$@"
    if [[ "$BUFFER" == *[$'\e\r\b'$'\u200b'$'\u200d'$'\u202e'$'\u2066']* ]]; then
      zle -M "hermes-scan: the pasted text contains escape, control or invisible characters"
    fi
  }
  zle -N bracketed-paste __hermes_scan_paste
fi
