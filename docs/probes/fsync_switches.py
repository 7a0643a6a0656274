import os, time, resource
d='/tmp/prof/fsd'; os.makedirs(d, exist_ok=True)
b=os.urandom(4096)
def sw(): r=resource.getrusage(resource.RUSAGE_SELF); return r.ru_nvcsw, r.ru_nivcsw
n=500
a=sw(); t=time.time()
for i in range(n):
    fd=os.open(f'{d}/f{i}.tmp', os.O_CREAT|os.O_WRONLY, 0o600); os.write(fd,b); os.fsync(fd); os.close(fd); os.rename(f'{d}/f{i}.tmp', f'{d}/f{i}')
e=sw(); print("create+write+fsync+rename per op: vol %.2f invol %.2f  %.0f us" % ((e[0]-a[0])/n, (e[1]-a[1])/n, (time.time()-t)/n*1e6))
a=sw(); t=time.time()
for i in range(n):
    fd=os.open(f'{d}/f{i}', os.O_WRONLY|os.O_APPEND); os.write(fd,b); os.fdatasync(fd); os.close(fd)
e=sw(); print("append+fdatasync per op: vol %.2f invol %.2f  %.0f us" % ((e[0]-a[0])/n, (e[1]-a[1])/n, (time.time()-t)/n*1e6))
import shutil; shutil.rmtree(d)
