import os, time, sys
# usage: fsynclat.py DIR [N]: latency of a 250-byte append and fsync or fdatasync, to a growing file and to a preallocated one (session 44)
d=sys.argv[1]; n=int(sys.argv[2]) if len(sys.argv)>2 else 1000
os.makedirs(d, exist_ok=True)
rec=b'x'*250
def run(name, prealloc, sync):
    p=os.path.join(d,name); 
    if os.path.exists(p): os.remove(p)
    fd=os.open(p, os.O_CREAT|os.O_WRONLY)
    if prealloc:
        os.posix_fallocate(fd, 0, 64<<20)
        # write zeros so the extents are written (not unwritten) - as a recycled segment would be
        z=b'\0'*(1<<20)
        for i in range(64): os.pwrite(fd, z, i<<20)
        os.fsync(fd)
    off=0; ts=[]
    for i in range(n):
        t=time.perf_counter(); os.pwrite(fd, rec, off); off+=len(rec); sync(fd); ts.append(time.perf_counter()-t)
    os.close(fd); os.remove(p)
    ts.sort(); print(f"{name:28s} median {ts[len(ts)//2]*1e6:7.0f} us  p90 {ts[int(len(ts)*.9)]*1e6:7.0f} us  mean {sum(ts)/len(ts)*1e6:7.0f} us")
for r in range(2):
    run('append-fsync', False, os.fsync)
    run('append-fdatasync', False, os.fdatasync)
    run('prealloc-zeroed-fdatasync', True, os.fdatasync)
    run('prealloc-zeroed-fsync', True, os.fsync)
