# hermes-scan for bash: every command line is scanned when you press Enter, before it runs.
# Load it from ~/.bashrc with:   eval "$(hermes-scan init bash)"
# Loading it never changes what a non-interactive shell runs: no `return` or `exit` here, only a
# condition around the hook, so the lines after the `eval` in a script or .bashrc still run.
if [ -z "${BASH_VERSION-}" ]; then
  echo "hermes-scan: this is the bash hook; load the one for your shell (hermes-scan init zsh|fish)" >&2
elif [[ $- == *i* ]]; then
  __hermes_scan_bin=@BIN@
  export HERMES_SCAN_SESSION="${HERMES_SCAN_SESSION:-bash-$$-$RANDOM}"

  # Enter runs two key sequences: the check, then whatever the check bound to the second one
  # (accept-line when the line may run, redraw-current-line to keep it editable when it may not).
  # Readline hands over one line at a time, so the lines of a command bash is still reading (an
  # open quote, block or heredoc) are kept and sent with the next one: `echo '` then
  # `'; rm -rf /` is judged as the command bash runs. Exit 3 says the input is still unfinished.
  # Each new primary prompt forgets them (an interrupted continuation leaves nothing behind).
  __hermes_scan_pending=
  __hermes_scan_enter() {
    local rc=0
    if [[ -n "${READLINE_LINE//[[:space:]]/}" ]]; then
      "$__hermes_scan_bin" prompt --pending "$__hermes_scan_pending" -- "$READLINE_LINE" </dev/tty >/dev/tty 2>&1
      rc=$?
    elif [[ -n $__hermes_scan_pending ]]; then
      rc=3
    fi
    case $rc in
      0) __hermes_scan_pending= ;;
      3) __hermes_scan_pending+="$READLINE_LINE"$'\n' ;;
      *) bind '"\C-x\C-xr": redraw-current-line'; return ;;
    esac
    bind '"\C-x\C-xr": accept-line'
  }
  __hermes_scan_forget() { __hermes_scan_pending=; }
  if [[ ${PROMPT_COMMAND-} != *__hermes_scan_forget* ]]; then
    PROMPT_COMMAND="__hermes_scan_forget${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
  fi

  if bind -x '"\C-x\C-xh": __hermes_scan_enter' 2>/dev/null; then
    bind '"\C-x\C-xr": accept-line'
    bind '"\C-m": "\C-x\C-xh\C-x\C-xr"'
    bind '"\C-j": "\C-x\C-xh\C-x\C-xr"'
  else
    # No readline bindings (e.g. `set +o emacs +o vi`): check each command just before it runs.
    # With extdebug, a DEBUG trap that fails skips the command.
    shopt -s extdebug
    __hermes_scan_debug() {
      [[ $BASH_COMMAND == __hermes_scan* || -z ${BASH_COMMAND//[[:space:]]/} ]] && return 0
      "$__hermes_scan_bin" prompt -- "$BASH_COMMAND" </dev/tty >/dev/tty 2>&1
    }
    trap '__hermes_scan_debug' DEBUG
  fi
fi
