#!/usr/bin/env python3
"""docrun.py: run a Markdown document's shell sessions, as a reader would.

Usage: docrun.py DOC.md SCRATCH [ACTUAL.md]

A session is a fenced block with no language whose first line is a
prompt: "# " (root) or "$ " ("$ sudo " is run as "# ", the suite is root).
Each prompt line is a command; the lines up to the next prompt are what
the document says it prints (stdout and stderr together, as a terminal
shows them). A fenced block right after a line that ends with
"Save this as `NAME`:" is written to NAME. Every other block is prose.

All commands of a document run in order in one bash, in SCRATCH, as one
terminal would run them: variables ($W) and background jobs live on from
one command to the next. What a command printed must be what the document
shows, line for line, once both are normalised (normalise()): times,
PIDs other than the writer's and the shell's, and the CPU column are
ignored (and a raw trace line's flags, and the summary's count of other
BPF programs' lines); SCRATCH stands for the document's folder,
/work/main. In what the document shows, a line "..." stands for any
number of lines, and "..." inside a line for any text: an elision the
reader sees. A line
"[1] 18500" (an interactive shell's job notice) is not expected. Every
command must exit 0: one that fails shows it, `; echo exit status $?`.

The writer's PID is the value of $W after the command that set it; the
document shows it as 18500, and the shell's own ($$) as 18490.

Exit status 0 when every command printed what the document shows, and 1
otherwise, with each difference printed. With ACTUAL.md, what each
command printed is written there, PIDs mapped as in the document: the
material for updating the document after a change of the tool.
"""

import difflib
import os
import re
import select
import signal
import subprocess
import sys
import time

DOC_DIR = "/work/main"
DOC_WRITER = "18500"
DOC_SHELL = "18490"
# What the writer's and the shell's PIDs become, in the document's lines
# and in what was printed: a token no output holds.
WRITER, SHELL = "<W>", "<SH>"
TIMEOUT = 120  # seconds for one command


def parse(path):
    """The document as a list of ("file", name, text) and
    ("session", [(command, [expected lines], line number)])."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    items, i, last_prose, in_para = [], 0, "", False
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^(```+)(\S*)\s*$", line)
        if not m:
            # The last paragraph before a block, for "Save this as".
            if line.strip():
                last_prose = last_prose + " " + line if in_para else line
            in_para = bool(line.strip())
            i += 1
            continue
        fence, info, start = m.group(1), m.group(2), i
        body = []
        i += 1
        while i < len(lines) and lines[i] != fence:
            body.append(lines[i])
            i += 1
        i += 1
        save = re.search(r"Save this\s+as\s+`([^`/]+)`:\s*$", last_prose)
        last_prose, in_para = "", False
        if save:
            items.append(("file", save.group(1), "\n".join(body) + "\n"))
        elif not info and body and re.match(r"^[#$] ", body[0]):
            cmds = []
            for k, b in enumerate(body):
                p = re.match(r"^[#$] (?:sudo )?(.*)$", b)
                if p:
                    cmds.append((p.group(1), [], start + 2 + k))
                else:
                    cmds[-1][1].append(b)
            items.append(("session", cmds))
    return items


class Shell:
    """One bash, in the scratch folder, fed one command at a time."""

    def __init__(self, cwd):
        env = dict(os.environ)
        env.pop("TMPDIR", None)
        env["PS1"] = ""
        self.out = os.path.join(cwd, ".docrun.out")
        self.p = subprocess.Popen(
            ["bash", "--norc", "--noprofile"], cwd=cwd, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True)
        self.buf = b""
        self.start = 0
        self.pid = int(self.run("echo $$")[1].strip())

    def run(self, cmd):
        """(exit status, what cmd printed); None on a timeout."""
        # One file for the whole session, appended to, as one terminal:
        # what a background job prints while a command runs is part of
        # what that command shows.
        self.start = os.path.getsize(self.out) if os.path.exists(self.out) else 0
        script = "{ %s\n} </dev/null >>%s 2>&1; echo \"__docrun_done $?\"\n" % (cmd, self.out)
        self.p.stdin.write(script.encode())
        self.p.stdin.flush()
        end = time.monotonic() + TIMEOUT
        while b"__docrun_done" not in self.buf:
            left = end - time.monotonic()
            if left <= 0 or not select.select([self.p.stdout], [], [], left)[0]:
                return None
            chunk = os.read(self.p.stdout.fileno(), 4096)
            if not chunk:
                return None
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        while b"__docrun_done" not in line:
            line, _, self.buf = self.buf.partition(b"\n")
        rc = int(line.split()[-1])
        return rc, self.partial()

    def partial(self):
        """What the session printed since the last command began."""
        with open(self.out, "rb") as f:
            f.seek(self.start)
            return f.read().decode("utf-8", "replace")

    def close(self):
        # The session's own background jobs (the writer, a --watch run)
        # are in its process group: a bcc-hello among them gets SIGINT
        # first, to detach and remove what it made, then the rest SIGKILL.
        try:
            os.killpg(self.p.pid, signal.SIGINT)
            for _ in range(60):
                time.sleep(0.05)
                os.killpg(self.p.pid, 0)
            os.killpg(self.p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.p.wait()


def sub_pid(line, pid, token):
    """line with the number pid as token wherever it stands alone: not
    inside another number, nor a time (a number with a point)."""
    return re.sub(r"(?<![\d.])%s(?!\d|\.\d)" % pid, token, line)


def normalise(line, known):
    """The parts of a line that do not depend on when, where and as which
    process it ran. known maps this run's PIDs to the document's."""
    # Times first: a time is never a PID, even when its digits are one's.
    line = re.sub(r"\b\d+\.\d{6}\b", "<ts>", line)
    # A raw line's CPU, and its flags: whether interrupts were off or a
    # reschedule pending at that instant is the machine's, like the CPU.
    line = re.sub(r"\[\d{3}\]\s+\S{4,5}\s+<ts>:", "[<cpu>] <flags> <ts>:", line)
    line = re.sub(r"\b\d\d:\d\d:\d\d\b", "<clock>", line)
    line = re.sub(r"\b\d+\.\d+ s\b", "<t> s", line)
    for pid, token in known.items():
        line = sub_pid(line, pid, token)
    keep = set(known.values())

    def pid(m):
        return m.group(1) + "<pid>"

    # bcc-hello's own PID, in the names of what it makes.
    line = re.sub(r"(bcc-hello-headers-)(\d+)-[A-Za-z0-9]{6}", pid, line)
    line = re.sub(r"(bcc-hello-)(\d+)(?:-\d+)?\b", pid, line)
    # Other processes: a trace line's PID and CPU columns, and PIDs a
    # message names.
    m = re.match(r"^(<ts>\s+\S+\s+)(\d+|<W>|<SH>)(\s+)\d+(\s)", line)
    if m:
        p = m.group(2) if m.group(2) in keep else "<pid>"
        line = m.group(1) + p + m.group(3) + "<cpu>" + line[m.end() - 1:]
    line = re.sub(r"(\bPID |\bwas |\bpid=|\bppid=|\"pid\":|\"ppid\":)(\d+)", pid, line)
    # Other BPF programs' lines, hidden and counted: whether any printed
    # meanwhile is the machine's (the tutorial says so where it shows one).
    line = re.sub(r" \(\d+ lines? of other BPF programs, hidden\)", "", line)
    return re.sub(r"\s+", " ", line).strip()


def matches(expected, actual):
    """Whether actual (normalised lines) is what expected shows, with its
    elisions: a line "..." is any lines, "..." in a line any text."""
    pats = []
    for e in expected:
        if re.match(r"^\.\.\.(\s+\(.*\))?$", e):
            pats.append(None)
        else:
            pats.append(re.compile(".*".join(re.escape(x) for x in e.split("..."))))
    memo = {}

    def at(i, j):
        if (i, j) in memo:
            return memo[(i, j)]
        if i == len(pats):
            r = j == len(actual)
        elif pats[i] is None:
            r = any(at(i + 1, k) for k in range(j, len(actual) + 1))
        else:
            r = j < len(actual) and pats[i].fullmatch(actual[j]) is not None and at(i + 1, j + 1)
        memo[(i, j)] = r
        return r

    return at(0, 0)


def main():
    # A stop of the runner (a test's timeout) stops the session too: the
    # finally below kills its jobs.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    doc, scratch = sys.argv[1], os.path.realpath(sys.argv[2])
    actual_md = open(sys.argv[3], "w") if len(sys.argv) > 3 else None
    items = parse(doc)
    sh = Shell(scratch)
    known = {str(sh.pid): SHELL}
    same = {DOC_WRITER: WRITER, DOC_SHELL: SHELL}
    to_doc = {WRITER: DOC_WRITER, SHELL: DOC_SHELL}
    failed = ran = 0
    try:
        for item in items:
            if item[0] == "file":
                with open(os.path.join(scratch, item[1]), "w") as f:
                    f.write(item[2])
                continue
            if actual_md:
                actual_md.write("```\n")
            for cmd, shown, lineno in item[1]:
                ran += 1
                res = sh.run(cmd)
                if res is None:
                    print("FAIL: %s:%d: `%s` did not finish in %d s; it printed:\n%s"
                          % (doc, lineno, cmd, TIMEOUT, sh.partial()))
                    return 1
                rc, out = res
                if re.match(r"^W=", cmd):
                    w = sh.run("echo $W")[1].strip()
                    known[w] = WRITER
                got = out.replace(scratch, DOC_DIR).split("\n")
                if got and got[-1] == "":
                    got.pop()
                norm_got = [normalise(x, known) for x in got]
                norm_shown = [normalise(x, same) for x in shown
                              if not re.match(r"^\[\d+\][+-]?\s", x)]
                if actual_md:
                    # The PIDs as the document has them; a number with a
                    # point is a time, whatever its digits.
                    actual_md.write("# %s\n" % cmd)
                    for x in got:
                        for pid, token in known.items():
                            x = sub_pid(x, pid, to_doc[token])
                        actual_md.write(x + "\n")
                if rc != 0:
                    failed += 1
                    print("FAIL: %s:%d: `%s` exited %d: a command of the document exits 0, "
                          "or shows its status (`; echo exit status $?`)" % (doc, lineno, cmd, rc))
                elif not matches(norm_shown, norm_got):
                    failed += 1
                    print("FAIL: %s:%d: `%s` (exit %d) printed what the document does not show:"
                          % (doc, lineno, cmd, rc))
                    for d in difflib.unified_diff(norm_shown, norm_got, "document", "printed",
                                                  lineterm="", n=2):
                        print("    " + d)
            if actual_md:
                actual_md.write("```\n\n")
    finally:
        sh.close()
        if actual_md:
            actual_md.close()
    print("%s: %d commands, %d as shown, %d not" % (doc, ran, ran - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
