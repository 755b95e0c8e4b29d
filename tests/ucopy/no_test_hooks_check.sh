#!/bin/sh
# no_test_hooks_check.sh TWIN PROGRAM...: fails when a shipped PROGRAM holds a test hook's
# string (`strings PROGRAM | grep -E 'UCOPY_TEST_|_TEST_'` prints something), and when the
# test-only TWIN holds none (then the check itself is broken: strings missing, a new name),
# and when a PROGRAM is not built.
twin=$1
shift
if ! strings "$twin" | grep -q 'UCOPY_TEST_GATE'; then
    echo "the check finds no UCOPY_TEST_GATE in the test-only $twin: it cannot see hooks"
    exit 1
fi
status=0
for program in "$@"; do
    if [ ! -f "$program" ]; then
        echo "$program is not built"
        status=1
        continue
    fi
    found=$(strings "$program" | grep -E 'UCOPY_TEST_|_TEST_')
    if [ -n "$found" ]; then
        echo "$program holds test hooks:"
        echo "$found"
        status=1
    else
        echo "$program: no test hook"
    fi
done
exit $status
