# A wall-clock profile (async-profiler event=wall,threads, collapsed: profget.sh with EVENT) summed per
# thread group: how its samples split between running, waiting (futex, park, sleep), waiting in epoll,
# O_DIRECT writes, fsync, and the client's file reads. With --running: the cores each process's threads
# kept busy over SECONDS (the samples' interval is 2 ms).
#   python3 wallsum.py OUT/*.txt            python3 wallsum.py --running SECONDS OUT/*.txt
import collections, re, sys

def group(thread):
    thread = re.sub(r'\s*tid=\d+\]?$', '', thread.strip('[]'))
    return re.sub(r'[-#]?\d+$', '', thread)

def state(frames):
    tail, stack = ';'.join(frames[-12:]), ';'.join(frames)
    if 'epoll_wait' in tail or 'epollWait' in tail:
        return 'net-wait'
    if any(k in tail for k in ('fsync', 'fdatasync', 'force0', 'FileDispatcherImpl.force')):
        return 'fsync'
    if 'pwrite' in tail and 'DirectWrite' in stack:
        return 'disk-write'
    if any(k in tail for k in ('futex', 'park', 'Park', 'pthread_cond', 'Object.wait', 'LockSupport', 'sleep')):
        return 'wait'
    if any(k in tail for k in ('read0', 'pread', 'readv')) and 'PieceUploader' in stack:
        return 'file-read'
    return 'run'

def profile(path):
    per = collections.defaultdict(collections.Counter)
    for line in open(path):
        stack, _, n = line.rstrip().rpartition(' ')
        frames = stack.split(';')
        if frames[0].startswith(('[process reaper', '[Attach')):
            continue  # the profiler's own attach, and threads that wait in the kernel for a child
        per[group(frames[0])][state(frames)] += int(n)
    return per

args = sys.argv[1:]
seconds = float(args.pop(1)) if args[0] == '--running' else None
if seconds:
    args.pop(0)
total = 0
for path in args:
    per = profile(path)
    print('==', path.split('/')[-1])
    if seconds:
        running = sum(c['run'] for c in per.values())
        total += running
        print(f"  running {running * 0.002 / seconds:.2f} cores:",
              ', '.join(f"{g} {c['run'] * 0.002 / seconds:.2f}" for g, c in
                        sorted(per.items(), key=lambda kv: -kv[1]['run'])[:6]))
        continue
    for g, c in sorted(per.items(), key=lambda kv: -sum(kv[1].values())):
        n = sum(c.values())
        if n >= 200:
            print(f"  {g[:40]:40s} {n:6d}  " + '  '.join(f"{k} {v * 100 // n}%" for k, v in c.most_common()))
if seconds:
    print(f"all: {total * 0.002 / seconds:.2f} cores")
