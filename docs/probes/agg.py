import json, sys, glob, collections
# agg.py SKIP : sums per mode the diffs of rounds >= SKIP
skip=int(sys.argv[1]); names="client,master,w1,w2,w3".split(',')
acc={0:{},1:{}}; n={0:0,1:0}
for f in sorted(glob.glob('/tmp/prof/cs/a*_*.json')):
    t,mode=f.split('/')[-1][1:-5].split('_'); t=int(t); mode=int(mode)
    if t<skip: continue
    a=json.load(open(f)); b=json.load(open(f.replace('/a','/b')))
    n[mode]+=2000
    for pi,pid in enumerate(a):
        d=acc[mode].setdefault(names[pi],collections.defaultdict(lambda:[0,0,0]))
        for k,v in b[pid].items():
            o=a[pid].get(k,[0,0,0])
            for i in range(3): d[k][i]+=v[i]-o[i]
for name in names:
    for mode in (0,1):
        d=acc[mode][name]; puts=n[mode]
        tot=[sum(v[i] for v in d.values()) for i in range(3)]
        top=sorted(d.items(), key=lambda kv:-(kv[1][0]+kv[1][1]))[:4]
        print(f"{name:6s} m{mode} vol {tot[0]/puts:5.2f} inv {tot[1]/puts:4.2f} cpu {tot[2]*10/puts:.3f} | " + "; ".join(f"{k[:14]} {v[0]/puts:.2f}/{v[1]/puts:.2f}/{v[2]*10/puts:.3f}" for k,v in top))
