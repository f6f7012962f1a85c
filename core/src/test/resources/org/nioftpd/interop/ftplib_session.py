# Drives nioftpd with Python's ftplib; run by FtplibInteropTest.
# argv: port passive(true|false). Prints KEY=value lines that the Java test
# checks; any unexpected error ends with a traceback and a non-zero exit.
import ftplib
import hashlib
import io
import random
import sys

port = int(sys.argv[1])
passive = sys.argv[2] == "true"


def p(key, value):
    print(f"{key}={value}", flush=True)


def sha(b):
    return hashlib.sha256(b).hexdigest()


ftp = ftplib.FTP(timeout=10)
p("connect", ftp.connect("127.0.0.1", port).split("\n")[0])
p("login", ftp.login("u", "p"))
ftp.set_pasv(passive)
p("pwd0", ftp.pwd())

rnd = random.Random(7)
data = bytes(rnd.getrandbits(8) for _ in range(1024 * 1024 + 7))
p("sha_sent", sha(data))
p("stor", ftp.storbinary("STOR rt.bin", io.BytesIO(data)))
back = bytearray()
p("retr", ftp.retrbinary("RETR rt.bin", back.extend))
p("sha_back", sha(bytes(back)))
p("size_cmd", ftp.sendcmd("SIZE rt.bin"))
p("size_api", ftp.size("rt.bin"))

rest = bytearray()
ftp.retrbinary("RETR rt.bin", rest.extend, rest=500000)
p("rest_len", len(rest))
p("rest_ok", bytes(rest) == data[500000:])

p("mkd", ftp.mkd("sub dir"))
p("cwd", ftp.cwd("sub dir"))
p("pwd1", ftp.pwd())
ftp.storbinary("STOR inner.bin", io.BytesIO(b"inner"))
p("cdup", ftp.cwd(".."))
p("pwd2", ftp.pwd())

for name, facts in sorted(ftp.mlsd(facts=["type", "size", "perm", "modify"])):
    p("mlsd", f"{name}|{facts.get('type')}|{facts.get('size', '-')}|{'modify' in facts}")
for name in sorted(ftp.nlst()):
    p("nlst", name)

lines = ["first line", "second", "", "x" * 3000, "last"]
p("storlines", ftp.storlines("STOR text.txt", io.BytesIO(("\n".join(lines) + "\n").encode("ascii"))))
got = []
p("retrlines", ftp.retrlines("RETR text.txt", got.append))
p("lines_ok", got == lines)
p("type_back", ftp.voidcmd("TYPE I"))

p("rename", ftp.rename("rt.bin", "renamed.bin"))
try:
    ftp.size("rt.bin")
    p("old_name", "still there")
except ftplib.error_perm as e:
    p("old_name", str(e)[:3])
try:
    ftp.delete("no such file")
    p("delete_missing", "deleted?")
except ftplib.error_perm as e:
    p("delete_missing", str(e)[:3])
p("delete", ftp.delete("sub dir/inner.bin"))
p("rmd", ftp.rmd("sub dir"))
p("quit", ftp.quit())
