# hermes-scan for fish: every command line is scanned when you press Enter, before it runs.
# Load it from ~/.config/fish/config.fish with:   hermes-scan init fish | source
# Loading it never changes what a non-interactive shell runs: no `return` or `exit` here, only a
# condition around the hook, so the lines after it in config.fish still run.
if test -z "$FISH_VERSION"
    echo "hermes-scan: this is the fish hook; load the one for your shell (hermes-scan init bash|zsh)" >&2
else if status is-interactive
    set -g __hermes_scan_bin @BIN@
    set -q HERMES_SCAN_SESSION; or set -gx HERMES_SCAN_SESSION fish-$fish_pid-(random)

    function __hermes_scan_execute
        set -l line (commandline | string collect)
        if test -z (string trim -- "$line")
            commandline -f execute
            return
        end
        if $__hermes_scan_bin prompt -- "$line" </dev/tty >/dev/tty 2>&1
            commandline -f execute
        else
            commandline -f repaint
        end
    end

    bind \r __hermes_scan_execute
    bind \n __hermes_scan_execute
end
