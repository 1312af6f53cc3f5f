#!/bin/sh
# man/shard-write.1 says what a user must know about its output (t0001 checks the rest).
. "$(dirname "$0")/lib.sh"

M=$TOP/man/shard-write.1
check 'the page says stdout stays empty unless --pass-through' '
	mandoc -Tascii "$M" | col -b | tr -s " \n" "  " |
	    grep -q "standard output stays empty unless --pass-through"'
