"""An independent client's check (Python's ftplib, not nioftpd's code): 
N RETRs of 4k.bin on one session, then N/4 connect-login-QUIT sessions.
Usage: python3 bench/ftplib-small.py PORT N (user bench/bench, the bench fixtures)."""
import ftplib, io, sys, time
port = int(sys.argv[1]); n = int(sys.argv[2])
f = ftplib.FTP(); f.connect('127.0.0.1', port); f.login('bench', 'bench')
t = time.perf_counter()
for i in range(n):
    buf = io.BytesIO(); f.retrbinary('RETR 4k.bin', buf.write)
dt = time.perf_counter() - t
f.quit()
t = time.perf_counter()
for i in range(n // 4):
    g = ftplib.FTP(); g.connect('127.0.0.1', port); g.login('bench', 'bench'); g.quit()
dl = time.perf_counter() - t
print(f"port {port}: {n/dt:.0f} small files/s, {(n//4)/dl:.0f} logins/s")
