#!/usr/bin/env python3
"""A second opinion: nioftpd and the peers of bench/peers.sh, driven by clients nioftpd did not write.

  curl                 RETR of a page-cached 1 GiB file to /dev/null; STOR of a page-cached 1 GiB
                       file (`sync` before each upload, the upload deleted after); 200 curl processes
                       each RETRing 10m.bin at once
  Python ftplib        1,000 x 4 KiB files (a PASV data connection each) on one session, then over
                       8 sessions (8 processes); LIST and MLSD of a 1,000-entry directory, 50 each
  Python asyncio       500 clients started at the same instant (connect, 220, USER, PASS, QUIT, 221);
                       1,000 idle logged-in sessions: the server's PSS and NOOP p99 of one more

Servers are interleaved round by round (A B C ... A B C), scenario by scenario; every server gets the
same short warm-up before round 1 (unless --warmup 0). Server CPU is user + system time of the
server's process tree over each scenario: from a cpuacct cgroup of its own where the machine allows
(every descendant, reaped or not), else from /proc (live processes and reaped children).
Results: a Markdown summary (medians, best peer, ratio, server CPU), every round, and JSON.

Usage (as root, after `mvn -B -pl server,bench -am package -DskipTests`):
  bench/independent.sh                       # set up, start, run, stop: the default set
  python3 bench/independent.py [--servers nioftpd-daemon,pyftpdlib,...] [--rounds 3]
          [--scenarios retr1g,stor1g,...] [--warmup 1|0] [--out DIR]
The servers must already listen (bench/peers.sh start NAME); --start starts and stops them.
"""
import argparse, asyncio, ftplib, io, json, multiprocessing as mp, os, resource, socket, statistics
import subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = os.environ.get('PEERS', '/tmp/peers')
ROOT = os.environ.get('ROOT', '/tmp/nioftpd-bench-root')
HOST = '127.0.0.1'
PORTS = {'nioftpd': 2121, 'apache': 2122, 'vsftpd': 2123, 'pure-ftpd': 2124, 'proftpd': 2125,
         'pyftpdlib': 2126, 'nioftpd-daemon': 2127}
DEFAULT_SERVERS = 'nioftpd-daemon,pyftpdlib,vsftpd,pure-ftpd,proftpd'
CLK = os.sysconf('SC_CLK_TCK')
GIB = 1 << 30
MIB = 1 << 20


def creds(name):
    return ('anonymous', 'bench') if name == 'vsftpd' else ('bench', 'bench')


# ------------------------------------------------------------------ /proc: CPU and memory of a tree
def _procs():
    out = {}
    for d in os.listdir('/proc'):
        if not d.isdigit():
            continue
        try:
            with open(f'/proc/{d}/stat') as f:
                s = f.read()
        except OSError:
            continue
        rest = s[s.rindex(')') + 2:].split()
        # rest[0] = state (field 3); ppid field 4; utime 14, stime 15, cutime 16, cstime 17
        out[int(d)] = (int(rest[1]), sum(int(x) for x in rest[11:15]))
    return out


def _tree(pid, procs):
    kids = {}
    for p, (pp, _) in procs.items():
        kids.setdefault(pp, []).append(p)
    seen, todo = [], [pid]
    while todo:
        p = todo.pop()
        if p in procs:
            seen.append(p)
            todo.extend(kids.get(p, []))
    return seen


def tree_cpu(pid):
    """Seconds of CPU (user + system) of pid and its descendants, reaped children included."""
    procs = _procs()
    return sum(procs[p][1] for p in _tree(pid, procs)) / CLK


CGROUP_V1 = '/sys/fs/cgroup/cpuacct'


def cgroup_for(name, pid):
    """Moves pid (all its threads; children it forks later follow) into a cpuacct cgroup of its own,
    whose usage counts every descendant, reaped or not: a server that ignores SIGCHLD (its exited
    sessions never reach its cutime) is measured whole. None where cgroups v1 cpuacct is not
    writable: tree_cpu() then."""
    d = os.path.join(CGROUP_V1, f'nioftpd-bench-{name}')
    try:
        os.makedirs(d, exist_ok=True)
        procs = _procs()
        for p in _tree(pid, procs):  # already forked children too (vsftpd's, proftpd's listener)
            with open(os.path.join(d, 'cgroup.procs'), 'w') as f:
                f.write(str(p))
        with open(os.path.join(d, 'cpuacct.usage')) as f:
            int(f.read())
        return d
    except (OSError, ValueError):
        return None


def server_cpu(pid, cgroup):
    if cgroup:
        with open(os.path.join(cgroup, 'cpuacct.usage')) as f:
            return int(f.read()) / 1e9
    return tree_cpu(pid)


def tree_pss_kib(pid):
    total = 0
    for p in _tree(pid, _procs()):
        try:
            with open(f'/proc/{p}/smaps_rollup') as f:
                for line in f:
                    if line.startswith('Pss:'):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


# ------------------------------------------------------------------ fixtures
def ensure_fixtures():
    d = os.path.join(ROOT, 'indie', '1k')
    os.makedirs(d, exist_ok=True)
    os.chmod(os.path.join(ROOT, 'indie'), 0o755)
    os.chmod(d, 0o755)
    if len(os.listdir(d)) != 1000:
        data = os.urandom(4096)
        for i in range(1000):
            with open(os.path.join(d, f'f{i:04d}.bin'), 'wb') as f:
                f.write(data)
    big = os.path.join(ROOT, 'indie', '1g.bin')
    src = os.path.join(ROOT, 'indie-upload-source.bin')  # outside what the tests read, same disk
    for path in (big, src):
        if not os.path.exists(path) or os.path.getsize(path) != GIB:
            chunk = os.urandom(MIB)
            with open(path, 'wb') as f:
                for _ in range(1024):
                    f.write(chunk)
        os.chmod(path, 0o644)
    for path in (big, src):  # page-cache both, as the method says
        with open(path, 'rb') as f:
            while f.read(8 * MIB):
                pass
    return src


# ------------------------------------------------------------------ scenarios (each returns its result)
def url(name, path):
    u, p = creds(name)
    return f'ftp://{u}:{p}@{HOST}:{PORTS[name]}/{path}'


# --pin: the one-stream scenarios (retr1g, stor1g) run with the server on CPU 0 and curl on CPU 1
PIN = {'on': False}
PINNED = ('retr1g', 'stor1g')


def _client():
    """curl's command prefix: on CPU 1 under --pin (the server is then on CPU 0)."""
    return ['taskset', '-c', '1'] if PIN['on'] else []


def _affinity(pid, cpus):
    """Every thread of pid and of its descendants on cpus (taskset -a); children forked later inherit it."""
    for p in _tree(pid, _procs()):
        subprocess.run(['taskset', '-a', '-p', '-c', cpus, str(p)], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)


def sc_retr1g(name, ctx):
    t = time.perf_counter()
    r = subprocess.run(_client() + ['curl', '-sS', '--fail', '-o', '/dev/null', '-w', '%{size_download}',
                        url(name, 'indie/1g.bin')], capture_output=True, text=True, timeout=300)
    dt = time.perf_counter() - t
    if r.returncode != 0 or int(float(r.stdout or 0)) != GIB:
        raise RuntimeError(f'curl RETR: rc {r.returncode} {r.stderr.strip()} {r.stdout}')
    return {'value': GIB / MIB / dt, 'ops': 1, 'seconds': dt}


def sc_stor1g(name, ctx):
    subprocess.run(['sync'], check=True)
    target = f'upload/indie-{name}.bin'
    t = time.perf_counter()
    r = subprocess.run(_client() + ['curl', '-sS', '--fail', '-T', ctx['upload_source'], url(name, target)],
                       capture_output=True, text=True, timeout=600)
    dt = time.perf_counter() - t
    local = os.path.join(ROOT, target)
    size = os.path.getsize(local) if os.path.exists(local) else -1
    ctx['cleanup'] = local
    if r.returncode != 0 or size != GIB:
        raise RuntimeError(f'curl STOR: rc {r.returncode} {r.stderr.strip()} size {size}')
    return {'value': GIB / MIB / dt, 'ops': 1, 'seconds': dt}


async def _read_reply(reader):
    line = await reader.readline()
    if len(line) < 4:
        raise ConnectionError(f'short reply {line!r}')
    code = line[:3]
    if line[3:4] == b'-':
        while True:
            more = await reader.readline()
            if not more:
                raise ConnectionError('EOF in a multi-line reply')
            if more[:3] == code and more[3:4] == b' ':
                break
    return int(code)


async def _login(name, reader, writer):
    u, p = creds(name)
    if await _read_reply(reader) != 220:
        raise ConnectionError('no 220')
    writer.write(f'USER {u}\r\n'.encode())
    c = await _read_reply(reader)
    if c == 331:
        writer.write(f'PASS {p}\r\n'.encode())
        c = await _read_reply(reader)
    if c != 230:
        raise ConnectionError(f'login: {c}')


async def _connect_login(name, retries):
    """Connects and logs in. A connection whose handshake the server's full accept queue dropped
    gets no 220, ever: after 5 s without one, connect again (twice at most), as a client with a
    timeout would; retries[0] counts those."""
    for attempt in range(3):
        reader, writer = await asyncio.open_connection(HOST, PORTS[name])
        try:
            await asyncio.wait_for(_login(name, reader, writer), 5 if attempt < 2 else 60)
            return reader, writer
        except asyncio.TimeoutError:
            retries[0] += 1
            writer.close()
    raise ConnectionError('no login in 3 attempts')


async def _logins(name, n):
    start = asyncio.Event()
    last = [0.0]

    retries = [0]

    async def one():
        await start.wait()
        reader, writer = await _connect_login(name, retries)
        writer.write(b'QUIT\r\n')
        if await _read_reply(reader) != 221:
            raise ConnectionError('no 221')
        last[0] = max(last[0], time.perf_counter())
        writer.close()

    tasks = [asyncio.create_task(one()) for _ in range(n)]
    await asyncio.sleep(0.05)  # every task waits on the event: they start at the same instant
    t = time.perf_counter()
    start.set()
    try:  # a connection the server's full accept queue dropped would wait for ever
        results = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 120)
    except asyncio.TimeoutError:
        return None, [TimeoutError('logins: not done in 120 s')]
    errors = [r for r in results if isinstance(r, BaseException)]
    if retries[0]:
        print(f'  {name}: {retries[0]} of {n} logins connected again after 5 s without a 220', flush=True)
    return last[0] - t, errors


def sc_logins500(name, ctx):
    dt, errors = asyncio.run(_logins(name, 500))
    if errors:
        raise RuntimeError(f'{len(errors)} of 500 logins failed: {errors[0]!r}')
    return {'value': dt, 'ops': 500, 'seconds': dt}


def _ftp(name):
    u, p = creds(name)
    f = ftplib.FTP()
    f.connect(HOST, PORTS[name], timeout=60)
    f.login(u, p)
    return f


def _get_files(name, names):
    f = _ftp(name)
    f.voidcmd('TYPE I')
    got = 0
    for n in names:
        buf = io.BytesIO()
        f.retrbinary('RETR indie/1k/' + n, buf.write)
        got += len(buf.getvalue())
    f.quit()
    return got


def sc_small1(name, ctx):
    f = _ftp(name)
    f.voidcmd('TYPE I')
    names = [f'f{i:04d}.bin' for i in range(1000)]
    t = time.perf_counter()
    got = 0
    for n in names:
        buf = io.BytesIO()
        f.retrbinary('RETR indie/1k/' + n, buf.write)
        got += len(buf.getvalue())
    dt = time.perf_counter() - t
    f.quit()
    if got != 1000 * 4096:
        raise RuntimeError(f'small files: {got} bytes')
    return {'value': 1000 / dt, 'ops': 1000, 'seconds': dt}


def _worker(name, names, ready, go, out):
    try:
        f = _ftp(name)
        f.voidcmd('TYPE I')
        ready.put(1)
        go.wait()
        got = 0
        for n in names:
            buf = io.BytesIO()
            f.retrbinary('RETR indie/1k/' + n, buf.write)
            got += len(buf.getvalue())
        out.put((got, time.perf_counter()))
        f.quit()
    except Exception as e:  # reported by the parent
        ready.put(1)
        out.put((repr(e), time.perf_counter()))


def sc_small8(name, ctx):
    names = [f'f{i:04d}.bin' for i in range(1000)]
    ready, out, go = mp.Queue(), mp.Queue(), mp.Event()
    procs = [mp.Process(target=_worker, args=(name, names[k::8], ready, go, out)) for k in range(8)]
    for p in procs:
        p.start()
    for _ in procs:
        ready.get(timeout=60)
    t = time.perf_counter()
    go.set()
    results = [out.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(60)
    bad = [r[0] for r in results if not isinstance(r[0], int)]
    if bad or sum(r[0] for r in results) != 1000 * 4096:
        raise RuntimeError(f'small files over 8: {bad or sum(r[0] for r in results)}')
    dt = max(r[1] for r in results) - t
    return {'value': 1000 / dt, 'ops': 1000, 'seconds': dt}


def sc_conc200(name, ctx):
    t = time.perf_counter()
    procs = [subprocess.Popen(['curl', '-sS', '--fail', '-o', '/dev/null', '-w', '%{size_download}',
                               url(name, '10m.bin')], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(200)]
    outs = [p.communicate(timeout=600) for p in procs]
    dt = time.perf_counter() - t
    bad = [(p.returncode, o[1].strip()) for p, o in zip(procs, outs)
           if p.returncode != 0 or int(float(o[0] or 0)) != 10 * MIB]
    if bad:
        raise RuntimeError(f'{len(bad)} of 200 downloads failed: {bad[0]}')
    return {'value': 200 * 10 / dt, 'ops': 200, 'seconds': dt}


def _listing(name, cmd):
    f = _ftp(name)
    f.voidcmd('TYPE A')
    size = [0]
    lines = 0
    t = time.perf_counter()
    for _ in range(50):
        buf = io.BytesIO()
        f.retrbinary(f'{cmd} indie/1k', buf.write)
        lines = buf.getvalue().count(b'\n')
    dt = time.perf_counter() - t
    f.quit()
    if lines < 1000:
        raise RuntimeError(f'{cmd}: {lines} lines')
    return {'value': dt / 50 * 1000, 'ops': 50, 'seconds': dt}


def sc_list(name, ctx):
    return _listing(name, 'LIST')


def sc_mlsd(name, ctx):
    if name == 'vsftpd':
        return None  # vsftpd has no MLSD
    return _listing(name, 'MLSD')


async def _idle(name, n, pid):
    conns = []
    sem = asyncio.Semaphore(100)  # logging in 1,000 is not what is measured: keep it orderly

    retries = [0]

    async def one():
        async with sem:
            conns.append(await _connect_login(name, retries))

    try:
        results = await asyncio.wait_for(asyncio.gather(*[one() for _ in range(n)],
                                                        return_exceptions=True), 180)
    except asyncio.TimeoutError:
        results = [TimeoutError('idle sessions: not all logged in within 180 s')]
    errors = [r for r in results if isinstance(r, BaseException)]
    if retries[0]:
        print(f'  {name}: {retries[0]} of {n} sessions connected again after 5 s without a 220', flush=True)
    await asyncio.sleep(0.5)
    return conns, errors


def _reply(rf):
    line = rf.readline()
    if len(line) < 4:
        raise RuntimeError(f'connection closed: {line!r}')
    code = line[:3]
    while line[3:4] == b'-':
        line = rf.readline()
        if line[:3] == code and line[3:4] == b' ':
            break
    return int(code)


def _noop_session(name):
    s = socket.create_connection((HOST, PORTS[name]), timeout=30)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    rf = s.makefile('rb')
    try:
        _reply(rf)
        u, p = creds(name)
        s.sendall(f'USER {u}\r\n'.encode())
        if _reply(rf) == 331:
            s.sendall(f'PASS {p}\r\n'.encode())
            if _reply(rf) != 230:
                raise RuntimeError('login refused')
        return s, rf
    except BaseException:
        s.close()
        raise


def sc_idle1000(name, ctx):
    pid = ctx['pid']
    before = tree_pss_kib(pid)
    loop = asyncio.new_event_loop()
    conns, errors = loop.run_until_complete(_idle(name, 1000, pid))
    try:
        if errors:
            raise RuntimeError(f'{len(errors)} of 1000 idle sessions failed: {errors[0]!r}')
        held = tree_pss_kib(pid)
        note = None
        for attempt in range(2):
            try:
                s, rf = _noop_session(name)
                break
            except (RuntimeError, OSError) as e:
                if attempt == 1:
                    raise
                # pure-ftpd closes a 1,001st session: measure beside 999 held, and say so
                note = f'NOOP session refused beside 1,000 ({e}); measured beside 999'
                conns.pop()[1].close()
                loop.run_until_complete(asyncio.sleep(0.5))
        rtts = []

        for _ in range(1000):
            t = time.perf_counter()
            s.sendall(b'NOOP\r\n')
            if _reply(rf) != 200:
                raise RuntimeError('NOOP not 200')
            rtts.append(time.perf_counter() - t)
        s.sendall(b'QUIT\r\n')
        s.close()
        rtts.sort()
        return {'value': held / 1024, 'ops': 1000, 'seconds': 0,
                'pss_before_mib': before / 1024, 'growth_per_1000_mib': (held - before) / 1024,
                'noop_p50_ms': rtts[500] * 1000, 'noop_p99_ms': rtts[990] * 1000, 'note': note}
    finally:
        for _, w in conns:
            w.close()
        loop.run_until_complete(asyncio.sleep(0.2))
        loop.close()


# name, function, figure, unit, higher is better, CPU shown per op as (divisor, unit)
SCENARIOS = [
    ('retr1g', sc_retr1g, 'RETR 1 GiB (curl)', 'MiB/s', True, (1, 's')),
    ('stor1g', sc_stor1g, 'STOR 1 GiB (curl)', 'MiB/s', True, (1, 's')),
    ('logins500', sc_logins500, '500 simultaneous logins (asyncio), s to the last 221', 's', False,
     (1e-6, 'µs/login')),
    ('small1', sc_small1, 'small files (ftplib), 1 session', 'files/s', True, (1e-6, 'µs/file')),
    ('small8', sc_small8, 'small files (ftplib), 8 sessions', 'files/s', True, (1e-6, 'µs/file')),
    ('conc200', sc_conc200, '200 x 10 MiB at once (curl)', 'MiB/s', True, (1e-3, 'ms/download')),
    ('list', sc_list, 'LIST of 1,000 entries (ftplib)', 'ms', False, (1e-3, 'ms/listing')),
    ('mlsd', sc_mlsd, 'MLSD of 1,000 entries (ftplib)', 'ms', False, (1e-3, 'ms/listing')),
    ('idle1000', sc_idle1000, '1,000 idle sessions: server PSS', 'MiB', False, None),
]
EXTRA = [('noop_p99_ms', 'NOOP p99 with 1,000 idle (own session)', 'ms', False)]


def warmup(name, ctx):
    """The same short warm-up for everyone: 200 small files, 3 listings, 3 x 10 MiB, 1 STOR, 30 logins."""
    _get_files(name, [f'f{i:04d}.bin' for i in range(200)])
    f = _ftp(name)
    for _ in range(3):
        f.retrbinary('LIST indie/1k', lambda b: None)
        f.retrbinary('RETR 10m.bin', lambda b: None)
    with open(os.path.join(ROOT, '10m.bin'), 'rb') as src:
        f.storbinary(f'STOR upload/indie-warm-{name}.bin', src)
    f.quit()
    try:
        os.remove(os.path.join(ROOT, 'upload', f'indie-warm-{name}.bin'))
    except OSError:
        pass
    asyncio.run(_logins(name, 30))


# ------------------------------------------------------------------ report
def fmt(v, unit=''):
    if v is None:
        return 'n/a'
    if abs(v) >= 100:
        return f'{v:,.0f}'
    if abs(v) >= 10:
        return f'{v:.1f}'
    if abs(v) >= 1:
        return f'{v:.2f}'
    return f'{v:.3f}'


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def report(data, servers, nio, rounds, per_run=None):
    """per_run: rounds per run when several runs are merged (--merge); round 1 is then the median of their first rounds."""
    per_run = per_run or rounds
    out = []
    peers = [s for s in servers if not s.startswith('nioftpd')]  # variants of nioftpd are no peers
    out.append(f'| figure | {nio} (median) | {nio} round 1 | best peer (median) | ratio | '
               f'server CPU per op, {nio} vs that peer |')
    out.append('|---|---|---|---|---|---|')
    rows = [(k, fig, unit, hib, cpu) for k, _, fig, unit, hib, cpu in SCENARIOS]
    for key, fig, unit, hib, cpu in rows:
        def med(s, field='value'):
            return median([r.get(field) if r else None for r in data[key][s]])

        def medcpu(s):
            if cpu is None:
                return None
            vals = [r['cpu'] / r['ops'] / cpu[0] for r in data[key][s] if r]
            return median(vals)
        nv = med(nio)
        first = median([r['value'] for r in data[key][nio][::per_run] if r])
        cands = [(med(p), p) for p in peers if med(p) is not None]
        if not cands or nv is None:
            best = (None, '-')
        else:
            best = max(cands) if hib else min(cands)
        ratio = None
        if best[0] and nv:
            ratio = nv / best[0] if hib else best[0] / nv
        cpu_txt = '—'
        if cpu is not None and best[0] is not None:
            cpu_txt = f'{fmt(medcpu(nio))} vs {fmt(medcpu(best[1]))} {cpu[1]}'
        elif key == 'idle1000':
            g = med(nio, 'growth_per_1000_mib')
            gb = med(best[1], 'growth_per_1000_mib') if best[0] is not None else None
            cpu_txt = f'growth per 1,000 sessions: {fmt(g)} vs {fmt(gb)} MiB'
        rtxt = f'**{fmt(ratio)}x**' if ratio else 'n/a'
        out.append(f'| {fig}, {unit} | {fmt(nv)} | {fmt(first)} | {best[1]} {fmt(best[0])} | {rtxt} | {cpu_txt} |')
    # NOOP p99
    key = 'idle1000'
    nv = median([r.get('noop_p99_ms') if r else None for r in data[key][nio]])
    cands = [(median([r.get('noop_p99_ms') if r else None for r in data[key][p]]), p) for p in peers]
    cands = [c for c in cands if c[0] is not None]
    best = min(cands) if cands else (None, '-')
    ratio = best[0] / nv if best[0] and nv else None
    first = median([r.get('noop_p99_ms') for r in data[key][nio][::per_run] if r])
    rtxt = f'**{fmt(ratio)}x**' if ratio else 'n/a'
    out.append(f'| NOOP p99 with 1,000 idle, ms | {fmt(nv)} | {fmt(first)} | {best[1]} {fmt(best[0])} | {rtxt} | — |')
    out.append('')
    out.append('Ratio: above 1 means nioftpd is ahead (rates: nioftpd / peer; times and memory: peer / nioftpd).')
    out.append('')
    # every server, median and every round
    out.append('### Every server: median [round 1, round 2, ...]; server CPU per op (median)')
    out.append('')
    out.append('| figure | ' + ' | '.join(servers) + ' |')
    out.append('|---|' + '---|' * len(servers))
    for key, fig, unit, hib, cpu in rows:
        cells = []
        for s in servers:
            rs = data[key][s]
            vals = [r['value'] if r else None for r in rs]
            c = ''
            if cpu is not None and any(rs):
                c = f'; {fmt(median([r["cpu"] / r["ops"] / cpu[0] for r in rs if r]))} {cpu[1]}'
            cells.append(f'{fmt(median(vals))} [{", ".join(fmt(v) for v in vals)}]{c}')
        out.append(f'| {fig}, {unit} | ' + ' | '.join(cells) + ' |')
    cells = []
    for s in servers:
        vals = [r.get('noop_p99_ms') if r else None for r in data['idle1000'][s]]
        cells.append(f'{fmt(median(vals))} [{", ".join(fmt(v) for v in vals)}]')
    out.append('| NOOP p99 with 1,000 idle, ms | ' + ' | '.join(cells) + ' |')
    cells = []
    for s in servers:
        vals = [r.get('pss_before_mib') if r else None for r in data['idle1000'][s]]
        cells.append(f'{fmt(median(vals))} [{", ".join(fmt(v) for v in vals)}]')
    out.append('| PSS before the 1,000 sessions, MiB | ' + ' | '.join(cells) + ' |')
    cells = []
    for s in servers:
        vals = [sum(r['cpu'] for k in data for r in [data[k][s][i]] if r) for i in range(rounds)]
        cells.append(f'[{", ".join(fmt(v) for v in vals)}]')
    out.append('| server CPU of the whole round, s | ' + ' | '.join(cells) + ' |')
    notes = sorted({f'{s}: {r["note"]}' for s in servers for r in data['idle1000'][s] if r and r.get('note')})
    if notes:
        out += [''] + [f'- {n}' for n in notes]
    return '\n'.join(out)


def merge(paths):
    runs = [json.load(open(p)) for p in paths]
    meta0 = runs[0]['meta']
    servers, per_run = meta0['servers'], meta0['rounds']
    data = {}
    for run in runs:
        if run['meta']['servers'] != servers or run['meta']['rounds'] != per_run:
            sys.exit('--merge: the runs must have the same servers and rounds')
        for key, by_server in run['data'].items():
            for srv, rs in by_server.items():
                data.setdefault(key, {}).setdefault(srv, []).extend(rs)
    nio = next((x for x in servers if x.startswith('nioftpd')), servers[0])
    spans = '; '.join(f'{r["meta"]["started"]} to {r["meta"]["finished"]}, load average before '
                      f'{" ".join(r["meta"]["loadavg_before"])}' for r in runs)
    print(f'Independent clients, {len(runs)} runs of {per_run} rounds merged ({len(runs) * per_run} rounds per '
          f'figure, medians over all of them; "round 1" is the median of each run\'s first round): {spans}.\n')
    print(report(data, servers, nio, len(runs) * per_run, per_run))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--servers', default=DEFAULT_SERVERS)
    ap.add_argument('--rounds', type=int, default=3)
    ap.add_argument('--scenarios', default=','.join(s[0] for s in SCENARIOS))
    ap.add_argument('--warmup', type=int, default=1)
    ap.add_argument('--extra', action='append', default=[],
                    help='NAME=PORT:PID a server started by hand (user bench/bench), e.g. nioftpd-serial=2128:4242;'
                         ' a NAME starting with nioftpd is a variant of nioftpd, never the best peer')
    ap.add_argument('--start', action='store_true', help='start the servers with peers.sh, stop them after')
    ap.add_argument('--out', default=os.path.join(HERE, 'results', 'independent'))
    ap.add_argument('--pin', action='store_true',
                    help='RETR and STOR of 1 GiB with the server on CPU 0 and curl on CPU 1: on two cores the '
                         'scheduler otherwise sometimes runs both on one core, and a round comes out at half '
                         'the rate (the other scenarios run unpinned, as without it)')
    ap.add_argument('--merge', nargs='+', metavar='JSON',
                    help='no run: one table from the rounds of several runs (their independent.json, the same '
                         'servers and rounds each), every round of every run in the medians')
    a = ap.parse_args()
    if a.merge:
        merge(a.merge)
        return
    servers = a.servers.split(',')
    nio = next((s for s in servers if s.startswith('nioftpd')), servers[0])
    wanted = a.scenarios.split(',')
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    os.makedirs(a.out, exist_ok=True)
    ctx = {'upload_source': ensure_fixtures()}
    if a.start:
        for s in servers:  # fresh processes: a JVM's first round is part of the result
            subprocess.run([os.path.join(HERE, 'peers.sh'), 'stop', s], check=True)
            subprocess.run([os.path.join(HERE, 'peers.sh'), 'start', s], check=True)
    try:
        pids = {}
        for e in a.extra:
            label, _, rest = e.partition('=')
            port, _, pid = rest.partition(':')
            PORTS[label] = int(port)
            pids[label] = int(pid)
            servers.append(label)
        for s in servers:
            if s in pids:
                continue
            with open(os.path.join(PEERS, s, 'run', 'pid')) as f:
                pids[s] = int(f.read())
        cgroups = {s: cgroup_for(s, pids[s]) for s in servers}
        load = open('/proc/loadavg').read().split()[:3]
        meta = {'started': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()), 'loadavg_before': load,
                'servers': servers, 'rounds': a.rounds, 'warmup': a.warmup, 'nproc': os.cpu_count(),
                'pinned': list(PINNED) if a.pin else [],
                'cpu_source': {s: ('cgroup cpuacct' if cgroups[s] else '/proc tree') for s in servers}}
        print(f'# independent clients; load average before: {" ".join(load)}', flush=True)
        if a.warmup:
            for s in servers:
                warmup(s, ctx)
        data = {k: {s: [] for s in servers} for k, *_ in SCENARIOS}
        for rnd in range(a.rounds):
            for key, fn, fig, unit, hib, _ in SCENARIOS:
                for s in servers:
                    if key not in wanted:
                        data[key][s].append(None)
                        continue
                    c = dict(ctx, pid=pids[s])
                    PIN['on'] = a.pin and key in PINNED
                    if PIN['on']:
                        _affinity(pids[s], '0')
                    cpu0 = server_cpu(pids[s], cgroups[s])
                    try:
                        r = fn(s, c)
                    except Exception as e:
                        print(f'round {rnd + 1} {key} {s}: ERROR {e}', flush=True)
                        r = None
                    cpu1 = server_cpu(pids[s], cgroups[s])
                    if PIN['on']:
                        _affinity(pids[s], f'0-{os.cpu_count() - 1}')
                        PIN['on'] = False
                    if c.get('cleanup'):
                        try:
                            os.remove(c['cleanup'])
                        except OSError:
                            pass
                    if r is not None:
                        r['cpu'] = cpu1 - cpu0
                        print(f'round {rnd + 1} {key:10s} {s:15s} {fmt(r["value"]):>8s} {unit:8s} '
                              f'server CPU {r["cpu"]:.2f} s', flush=True)
                    data[key][s].append(r)
        meta['loadavg_after'] = open('/proc/loadavg').read().split()[:3]
        meta['finished'] = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())
    finally:
        if a.start:
            for s in servers:
                subprocess.run([os.path.join(HERE, 'peers.sh'), 'stop', s])
    md = report(data, servers, nio, a.rounds)
    head = (f'Independent clients, {a.rounds} rounds, servers interleaved; run {meta["started"]} to '
            f'{meta["finished"]}, load average before {" ".join(meta["loadavg_before"])}, after '
            f'{" ".join(meta["loadavg_after"])}, {meta["nproc"]} CPUs'
            + (f'; {" and ".join(meta["pinned"])} pinned (server on CPU 0, curl on CPU 1)' if meta['pinned'] else '')
            + '.\n\n')
    with open(os.path.join(a.out, 'independent.md'), 'w') as f:
        f.write(head + md + '\n')
    with open(os.path.join(a.out, 'independent.json'), 'w') as f:
        json.dump({'meta': meta, 'data': data}, f, indent=1)
    print()
    print(head + md)


if __name__ == '__main__':
    main()
