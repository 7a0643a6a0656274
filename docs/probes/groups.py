import re,sys,statistics as st,collections
# usage: groups.py OUT... [SKIP]: from pairt.sh output, per turn Hiro's CPU per put of each thread group over the floor's matching group, medians over the turns
pairs={'client calling':('client','pool-#-thread-#','pool-#-thread-#'),'client net':('client','hiro-client-net','pair-floor-net-'),
 'master net':('master','hiro-network-#-','hiro-network-#-'),'master journal':('master','journal-callbac','bench-journal'),
 'w1 net':('w1','hiro-network-#-','hiro-network-#-'),'w1 disk':('w1','piece-work-#','bench-disk-work'),
 'w2 net':('w2','hiro-network-#-','hiro-network-#-'),'w2 disk':('w2','piece-work-#','bench-disk-work'),
 'w3 net':('w3','hiro-network-#-','hiro-network-#-'),'w3 disk':('w3','piece-work-#','bench-disk-work')}
for f in sys.argv[1:]:
    if f.isdigit(): continue
    skip=int(sys.argv[-1]) if sys.argv[-1].isdigit() else 0
    turns=[];cur=None
    for l in open(f):
        m=re.match(r'^(floor|hiro)\s+([\d.]+) files/s',l)
        if m:
            if m.group(1)=='floor': cur={'floor':{},'hiro':{}}; turns.append(cur)
            side=m.group(1); continue
        m=re.match(r'^\s+(floor|hiro)\s+(\S+)\s+(.+?)\s+sw/put\s+([\d.]+)\s+cpu ms/put\s+([\d.]+)',l)
        if m and cur is not None:
            cur[m.group(1)][(m.group(2),m.group(3).strip())]=(float(m.group(4)),float(m.group(5)))
    turns=[t for t in turns if t['hiro'] and t['floor']][skip:]
    print(f, 'turns with groups:',len(turns))
    for name,(proc,h,fl) in pairs.items():
        hv=[t['hiro'].get((proc,h),(0,0))[1] for t in turns]; fv=[t['floor'].get((proc,fl),(0,0))[1] for t in turns]
        r=[a/b for a,b in zip(hv,fv) if b>0]
        if r: print(f"  {name:16s} hiro {st.median(hv):.3f} floor {st.median(fv):.3f} ms/put  ratio median {st.median(r):.2f} ({min(r):.2f}-{max(r):.2f})")
