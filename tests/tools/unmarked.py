#!/usr/bin/env python3
"""unmarked.py FILE... - (tests/t96-complete.sh) lists words a user reads that no translation reaches:
a string literal with words passed straight to a function that prints
(printf, fprintf, fputs, puts, cli_die, ...) instead of through _() or N_().
A literal that must stay as it is (read by scripts, a name, a code) carries
a comment saying "not translated" on its line or the line before.
Prints FILE:LINE: TEXT for each; exits 1 if any."""
import re, sys

OUT = r'(?:printf|fprintf|dprintf|fputs|puts|cli_die|cli_warn|cli_note|die|fatal|warnx?|errx?)'
CALL = re.compile(r'\b' + OUT + r'\s*\(')
STR = re.compile(r'"(?:[^"\\\n]|\\.)*"')
CONV = re.compile(r'%(?:\d+\$)?[-+ #0]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?:hh|h|ll|l|z|j|t|L)?[diouxXeEfgGcspn%]')
WORD = re.compile(r'[A-Za-z]{3,}')

def strip_comments(src):
    # keeps newlines and the "not translated" markers' positions
    out, i, n = [], 0, len(src)
    while i < n:
        if src.startswith('/*', i):
            j = src.find('*/', i + 2)
            j = n if j < 0 else j + 2
            body = src[i:j]
            out.append(('@NT@' if 'not translated' in body else '') + re.sub(r'[^\n]', ' ', body)[4 if 'not translated' in body else 0:])
            i = j
        elif src.startswith('//', i):
            j = src.find('\n', i)
            j = n if j < 0 else j
            out.append(' ' * (j - i)); i = j
        elif src[i] in '"\'':
            q = src[i]; j = i + 1
            while j < n and src[j] != q:
                j += 2 if src[j] == '\\' else 1
            out.append(src[i:j + 1]); i = j + 1
        else:
            out.append(src[i]); i += 1
    return ''.join(out)

def args_end(s, k):
    depth, i, n = 1, k, len(s)
    while i < n and depth:
        c = s[i]
        if c in '"\'':
            q = c; i += 1
            while i < n and s[i] != q:
                i += 2 if s[i] == '\\' else 1
        elif c == '(':
            depth += 1
        elif c == ')':
            depth -= 1
        i += 1
    return i

bad = 0
for path in sys.argv[1:]:
    src = strip_comments(open(path, encoding='utf-8').read())
    lines = src.split('\n')
    for m in CALL.finditer(src):
        end = args_end(src, m.end())
        call = src[m.end():end - 1]
        # the literals passed straight (not inside _( or N_( or another call)
        depth, i, straight = 0, 0, []
        while i < len(call):
            c = call[i]
            if c == '"':
                lm = STR.match(call, i)
                if not lm: break
                if depth == 0: straight.append(lm.group(0))
                i = lm.end(); continue
            if c == '(': depth += 1
            elif c == ')': depth -= 1
            i += 1
        text = ''.join(x[1:-1] for x in straight)
        text = re.sub(r'\\.', ' ', CONV.sub(' ', text))
        # markup (the HTML of the person's report: tags, and the CSS of
        # its style sheet) and the programs' own names are not words
        text = re.sub(r'<[^<>]*>', ' ', text)
        text = re.sub(r'[^{};]*\{[^{}]*\}', ' ', text)
        text = re.sub(r'\bcahierd?\b', ' ', text)
        if not WORD.search(text):
            continue
        line = src.count('\n', 0, m.start()) + 1
        # a marker counts for its paragraph: from the blank line before
        first = line - 1
        while first > 0 and lines[first - 1].strip():
            first -= 1
        near = '\n'.join(lines[first:src.count('\n', 0, end) + 1])
        if '@NT@' in near:
            continue
        print('%s:%d: %s' % (path, line, ' '.join(straight)[:100]))
        bad += 1
    # a usage text kept in a variable, not passed straight to a printer
    for m in re.finditer(r'"usage: ', src):
        i = m.start()
        while True:  # back over the literals it continues, and spaces
            j = i - 1
            while j >= 0 and src[j] in ' \t\n':
                j -= 1
            if j >= 0 and src[j] == '"':
                k = src.rfind('"', 0, j)
                while k > 0 and src[k - 1] == '\\':
                    k = src.rfind('"', 0, k - 1)
                i = k
                continue
            break
        if src[:j + 1].endswith('_('):
            # _("usage..."), N_(...): marked
            continue
        line = src.count('\n', 0, m.start()) + 1
        first = line - 1
        while first > 0 and lines[first - 1].strip():
            first -= 1
        if '@NT@' in '\n'.join(lines[first:line]):
            continue
        print('%s:%d: a usage text not marked for translation' % (path, line))
        bad += 1
sys.exit(1 if bad else 0)
