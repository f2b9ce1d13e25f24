#!/usr/bin/env python3
"""Wraps every child expression that xss-scan flags (K601) in escapeHtml(...). One-off refactoring aid."""
import re, subprocess, sys, collections
out = subprocess.run(['npx', 'xss-scan', '-s'], capture_output=True, text=True); out = out.stdout + out.stderr
diags = collections.defaultdict(list)
for m in re.finditer(r'^(\S+\.tsx)\((\d+),(\d+)\): error TS0 K601', out, re.M):
    diags[m.group(1)].append((int(m.group(2)), int(m.group(3))))
for path, spots in diags.items():
    lines = open(path).read().split('\n')
    # process from the end so earlier offsets stay valid
    for (ln, col) in sorted(spots, reverse=True):
        s = lines[ln - 1]
        i = col - 1
        # find the opening brace at or before the column
        j = s.rfind('{', 0, i + 1)
        if j < 0:
            print('skip', path, ln, col, file=sys.stderr); continue
        depth, k = 0, j
        while k < len(s):
            if s[k] == '{': depth += 1
            elif s[k] == '}':
                depth -= 1
                if depth == 0: break
            k += 1
        if k >= len(s):
            print('multiline skip', path, ln, col, file=sys.stderr); continue
        inner = s[j + 1:k]
        if inner.startswith('escapeHtml('): continue
        lines[ln - 1] = s[:j + 1] + 'escapeHtml(' + inner + ')' + s[k:]
    src = '\n'.join(lines)
    if "import { escapeHtml } from '@kitajs/html';" not in src:
        src = "import { escapeHtml } from '@kitajs/html';\n" + src
    open(path, 'w').write(src)
    print('fixed', path, len(spots))
