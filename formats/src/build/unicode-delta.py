#!/usr/bin/env python3
"""Prints the code points that Unicode 15.0 classes as letters (L*) or numbers (N*) and Java 17's Character
(Unicode 13.0) does not, as Java ranges for dev.nova.formats.tokens.Gpt2Split: tiktoken's regex engine classes them by
Unicode 15.0, so GPT-2's pre-tokenisation must too.

Usage: python3 unicode-delta.py /usr/share/unicode/UnicodeData.txt java-categories.txt
(Debian's unicode-data 15.0 has UnicodeData.txt; java-categories.txt is one letter per code point, L, N or O, from
Character.getType on Java 17.)"""
import sys

def categories(path):
    cat = ['Cn'] * 0x110000
    first = None
    for line in open(path, encoding='utf-8'):
        f = line.split(';')
        cp, name, c = int(f[0], 16), f[1], f[2]
        if name.endswith(', First>'):
            first = cp
            continue
        if name.endswith(', Last>'):
            for x in range(first, cp + 1):
                cat[x] = c
            continue
        cat[cp] = c
    return cat

cat = categories(sys.argv[1])
java = open(sys.argv[2]).read()
ranges = []
for cp in range(0x110000):
    k = 'L' if cat[cp][0] == 'L' else 'N' if cat[cp][0] == 'N' else 'O'
    if k != java[cp]:
        if k == 'O':
            sys.exit('U+%04X is %s in Java 17 but not in Unicode 15.0' % (cp, java[cp]))
        if ranges and ranges[-1][1] == cp - 1 and ranges[-1][2] == k:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp, k])
for kind in 'LN':
    rs = [r for r in ranges if r[2] == kind]
    print('    private static final int[] UNICODE_15_%s = {' % ('LETTERS' if kind == 'L' else 'NUMBERS'))
    line = '       '
    for a, b, _ in rs:
        item = ' 0x%X, 0x%X,' % (a, b)
        if len(line) + len(item) > 116:
            print(line)
            line = '       '
        line += item
    print(line.rstrip(','))
    print('    };')
