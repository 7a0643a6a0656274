import os, sys, re, json, collections
# snap.py OUT PID... : per process, per thread-name-class: voluntary+nonvoluntary switches, utime+stime ticks
out = {}
for pid in sys.argv[2:]:
    d = collections.defaultdict(lambda: [0,0,0])
    for tid in os.listdir(f'/proc/{pid}/task'):
        try:
            comm = open(f'/proc/{pid}/task/{tid}/comm').read().strip()
            st = open(f'/proc/{pid}/task/{tid}/status').read()
            stat = open(f'/proc/{pid}/task/{tid}/stat').read().rsplit(')',1)[1].split()
        except FileNotFoundError: continue
        v = int(re.search(r'voluntary_ctxt_switches:\s+(\d+)', st).group(1))
        nv = int(re.search(r'nonvoluntary_ctxt_switches:\s+(\d+)', st).group(1))
        key = re.sub(r'[-#]?\d+$', '', comm)
        d[key][0]+=v; d[key][1]+=nv; d[key][2]+=int(stat[11])+int(stat[12])
    out[pid] = d
json.dump(out, open(sys.argv[1],'w'))
