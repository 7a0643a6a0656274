# The disk as the workers write a large put's replicas, with nothing else running: WRITERS threads
# write TOTAL_MIB into new 64 MiB files, CHUNK_MIB at a time (default 1, a staging buffer) with
# O_DIRECT (appending to an empty file, as a worker writes a replica into a spare), and fsync each
# file at its end (a replica's commit). Prints the aggregate MB/s and the user and system CPU per GiB.
# Environment: BUFFERED=1 through the page cache instead; NOSYNC=1 without the fsyncs;
# FALLOC=1 each file allocated to its 64 MiB first; OVERWRITE=1 the files written once untimed, then
# overwritten in place (as limit.grpc_chain's copies were before session 40); FILE_MIB=N files of N MiB.
#   python3 direct_writes.py DIR WRITERS TOTAL_MIB [CHUNK_MIB]      e.g. DIR 3 3072
import mmap, os, sys, threading, time

directory, writers, total_mib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
chunk_mib = int(sys.argv[4]) if len(sys.argv) > 4 else 1
file_mib = int(os.environ.get("FILE_MIB", "64"))
buffered, nosync, falloc, overwrite = (bool(os.environ.get(k)) for k in ("BUFFERED", "NOSYNC", "FALLOC", "OVERWRITE"))
os.makedirs(directory, exist_ok=True)
buffer = mmap.mmap(-1, chunk_mib << 20)  # page-aligned, as O_DIRECT wants
buffer.write(os.urandom(chunk_mib << 20))
files = total_mib // file_mib
lock = threading.Lock()
taken = [0]

def write_files():
    while True:
        with lock:
            k = taken[0]
            taken[0] += 1
        if k >= files:
            return
        fd = os.open(os.path.join(directory, f"f{k}"),
                     os.O_WRONLY | os.O_CREAT | (0 if overwrite else os.O_TRUNC) | (0 if buffered else os.O_DIRECT), 0o644)
        if falloc:
            os.posix_fallocate(fd, 0, file_mib << 20)
        for mib in range(0, file_mib, chunk_mib):
            os.pwrite(fd, buffer, mib << 20)
        if not nosync:
            os.fsync(fd)
        os.close(fd)

def write_all():
    taken[0] = 0
    threads = [threading.Thread(target=write_files) for _ in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
if overwrite:
    write_all()
t0 = os.times()
started = time.time()
write_all()
seconds = time.time() - started
t1 = os.times()
mode = ("overwrite " if overwrite else "") + ("buffered" if buffered else "direct") + (" nosync" if nosync else "") + (" falloc" if falloc else "")
print(f"{mode}, {chunk_mib} MiB writes, {writers} writers: {total_mib} MiB in {seconds:.2f} s = "
      f"{total_mib * 1.048576 / seconds:.1f} MB/s; user {(t1.user-t0.user)/(total_mib/1024):.3f} sys {(t1.system-t0.system)/(total_mib/1024):.3f} s/GiB")
for k in range(files):
    os.unlink(os.path.join(directory, f"f{k}"))
