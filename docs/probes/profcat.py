import sys, collections
# usage: cat.py FILE [N]: kernel share, top self frames, top kernel entry points
f=sys.argv[1]; N=int(sys.argv[2]) if len(sys.argv)>2 else 25
tot=0; kern=0; selfc=collections.Counter(); entry=collections.Counter(); thr=collections.Counter()
for line in open(f):
    stack,_,n=line.rstrip().rpartition(' '); n=int(n); fr=stack.split(';')
    tot+=n; thr[fr[0].rstrip('0123456789-_ ')[:40]]+=n
    selfc[fr[-1]]+=n
    ks=[i for i,x in enumerate(fr) if x.endswith('_[k]')]
    if ks:
        kern+=n
        k0=ks[0]; entry[fr[k0-1][-60:]+' -> '+fr[k0][:50]]+=n
print(f"{f}: samples {tot}, kernel {kern/tot:.1%}")
print(" threads:", ", ".join(f"{k} {v/tot:.0%}" for k,v in thr.most_common(8)))
print(" top self:")
for k,v in selfc.most_common(N): print(f"  {v/tot:6.1%} {k[:110]}")
print(" kernel entries:")
for k,v in entry.most_common(15): print(f"  {v/tot:6.1%} {k[:130]}")
