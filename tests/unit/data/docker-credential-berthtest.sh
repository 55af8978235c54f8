#!/bin/sh
# A stand-in for docker-credential-osxkeychain & co: same protocol, canned answers per host.
[ "$1" = get ] || exit 2
host=$(cat)
case "$host" in
ok.example)
    printf '{"ServerURL":"%s","Username":"alice","Secret":"pa:ss"}' "$host" ;;
token.example)
    printf '{"ServerURL":"token.example","Username":"<token>","Secret":"refresh-token"}' ;;
https://index.docker.io/v1/)
    printf '{"ServerURL":"https://index.docker.io/v1/","Username":"hub","Secret":"hubpass"}' ;;
garbage.example)
    echo 'this is not json' ;;
fail.example)
    echo 'keychain locked' >&2; exit 3 ;;
slow.example)
    exec sleep 30 ;;
*)
    echo 'credentials not found in native keychain'; exit 1 ;;
esac
