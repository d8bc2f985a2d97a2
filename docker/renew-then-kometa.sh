#!/bin/sh
# Renews the Trakt tokens in Kometa's config, then starts Kometa with the container's arguments
# (its image runs `python3 kometa.py` from /). For one-shot runs (`--run`, from cron or a timer):
# beside Kometa's long-running scheduler, do not renew (Kometa refreshes by itself).
#
# KOMETA_CONFIG            the config (default /config/config.yml, Kometa's own default in Docker)
# KOMETA_TRAKT_RENEW_ARGS  extra arguments for `kometa-trakt renew` (e.g. --within 12h)
# KOMETA_TRAKT_REQUIRED    when 1, a failed renewal stops here with its exit code instead of
#                          starting Kometa without fresh tokens
# KOMETA_TRAKT_RESTORE     when 1, a copy of the config is kept while Kometa runs, and afterwards
#                          `kometa-trakt restore` carries what Kometa saved back into the copy's
#                          formatting (only if Kometa changed nothing but what it saves)
config=${KOMETA_CONFIG:-/config/config.yml}

# shellcheck disable=SC2086 # the extra arguments are split into words on purpose
kometa-trakt renew "$config" $KOMETA_TRAKT_RENEW_ARGS
status=$?
case $status in
    0) ;;
    3) echo "renew-then-kometa: the Trakt authorization is dead: run \`kometa-trakt auth $config\` (the device flow), or paste a block from the Kometa Utilities page with \`kometa-trakt auth $config --paste\`" >&2 ;;
    4) echo "renew-then-kometa: Trakt could not be reached; nothing was spent, Kometa checks the token itself" >&2 ;;
    5) echo "renew-then-kometa: the refresh token may have been spent without an answer; see the message above" >&2 ;;
    # Stopped by a signal (128 + its number), once what Trakt answered was
    # saved: the container is stopping, so Kometa is not started.
    129|130|143) exit "$status" ;;
    *) echo "renew-then-kometa: kometa-trakt renew failed (exit $status); see its message above" >&2 ;;
esac
if [ "$status" != 0 ] && [ "${KOMETA_TRAKT_REQUIRED:-0}" = 1 ]; then
    exit "$status"
fi
if [ "${KOMETA_TRAKT_RESTORE:-0}" != 1 ]; then
    exec python3 kometa.py "$@"
fi
copy=$(mktemp) || exit 2
# mktemp made the copy 0600; cp into it keeps that mode (the config holds secrets).
cp "$config" "$copy"
python3 kometa.py "$@"
ran=$?
kometa-trakt restore "$config" --original "$copy" --only-kometa
rm -f "$copy"
exit "$ran"
