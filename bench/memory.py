#!/usr/bin/env python3
"""The JVM's own memory floor and the growth per session, for sets of JVM flags.

For each flag set: start the daemon (server/target/nioftpd.jar) on a free loopback port with those
flags, let it settle, read its PSS from /proc (fresh), give it some work (independent.py's warm-up,
3 times, and 500 logins: a heap grows with what it has seen), read PSS and RSS again (idle after
work), log in N idle sessions (asyncio, clients in
this process), read it again, close them, stop the server. Markdown on stdout, JSON with --json.

  python3 bench/memory.py [--sessions 1000,10000] [--flags 'default=' --flags 'serial=-XX:+UseSerialGC']
"""
import argparse, asyncio, json, os, resource, socket, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import independent as I  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
JAR = os.environ.get('DAEMON_JAR', os.path.join(HERE, '..', 'server', 'target', 'nioftpd.jar'))


def rss_kib(pid):
    total = 0
    for p in I._tree(pid, I._procs()):
        try:
            with open(f'/proc/{p}/status') as f:
                for line in f:
                    if line.startswith('VmRSS:'):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def wait_listening(port, proc):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f'server exited: {proc.returncode}')
        try:
            socket.create_connection(('127.0.0.1', port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError('server does not listen')


def settle(pid, seconds):
    time.sleep(seconds)  # the server is idle: nothing to await but time (GC, JIT threads)
    return I.tree_pss_kib(pid), rss_kib(pid)


def measure(label, flags, sessions, settle_s, load):
    port = free_port()
    I.PORTS[label] = port
    cmd = ['java'] + flags.split() + ['-jar', JAR, '--listen', f'127.0.0.1:{port}', '--root', I.ROOT,
                                      '--user', 'bench:bench', '--max-sessions', '30000',
                                      '--max-sessions-per-address', '30000', '--ban', '0',
                                      '--log-level', 'warning', '--passive-ports', '33000-33999']
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    row = {'label': label, 'flags': flags or '(none)'}
    try:
        wait_listening(port, proc)
        row['fresh_pss_mib'] = settle(proc.pid, settle_s)[0] / 1024
        if load:  # what a server has seen before it idles: the warm-up of independent.py, 3 times
            for _ in range(3):
                I.warmup(label, {})
            asyncio.run(I._logins(label, 500))
        row['idle_pss_mib'], row['idle_rss_mib'] = [v / 1024 for v in settle(proc.pid, settle_s)]
        for n in sessions:
            loop = asyncio.new_event_loop()
            conns, errors = loop.run_until_complete(I._idle(label, n, proc.pid))
            if errors:
                raise RuntimeError(f'{len(errors)} of {n} sessions failed: {errors[0]!r}')
            pss, rss = settle(proc.pid, settle_s)
            row[f'pss_{n}_mib'] = pss / 1024
            row[f'per_session_kib_{n}'] = (pss / 1024 - row['idle_pss_mib']) * 1024 / n
            for _, w in conns:
                w.close()
            loop.run_until_complete(asyncio.sleep(0.5))
            loop.close()
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
    return row


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--sessions', default='1000,10000')
    ap.add_argument('--flags', action='append', help='LABEL=JVM FLAGS (repeatable)')
    ap.add_argument('--settle', type=float, default=3)
    ap.add_argument('--load', type=int, default=1, help='1: some work before idling (default), 0: none')
    ap.add_argument('--json')
    a = ap.parse_args()
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    sets = a.flags or ['default=']
    sessions = [int(x) for x in a.sessions.split(',')]
    rows = []
    for s in sets:
        label, _, flags = s.partition('=')
        rows.append(measure(label, flags, sessions, a.settle, a.load))
        print(rows[-1], file=sys.stderr, flush=True)
    head = '| flags | fresh PSS, MiB | idle PSS after work, MiB | idle RSS, MiB | ' + ' | '.join(
        f'PSS with {n:,}, MiB | KiB/session ({n:,})' for n in sessions) + ' |'
    print(head)
    print('|---' * (4 + 2 * len(sessions)) + '|')
    for r in rows:
        cells = [f"`{r['flags']}`", f"{r['fresh_pss_mib']:.0f}", f"{r['idle_pss_mib']:.0f}", f"{r['idle_rss_mib']:.0f}"]
        for n in sessions:
            cells += [f"{r.get(f'pss_{n}_mib', 0):.0f}", f"{r.get(f'per_session_kib_{n}', 0):.1f}"]
        print('| ' + ' | '.join(cells) + ' |')
    if a.json:
        with open(a.json, 'w') as f:
            json.dump(rows, f, indent=1)


if __name__ == '__main__':
    main()
