import sys, statistics
rows=[l.split() for l in open(sys.argv[1]) if l.startswith(('base','tog','one'))]
skip=int(sys.argv[2]) if len(sys.argv)>2 else 2
# sequence: base, one, tog, one, ...
pairs=[]; last=None; seq=[]
for r in rows:
    if r[0] in('base','tog'): last=r[0]; seq.append([r[0],float(r[1]),float(r[5]),None])
    else: seq[-1][3]=float(r[1])
seq=seq[skip:]
b=[s for s in seq if s[0]=='base']; t=[s for s in seq if s[0]=='tog']
m=statistics.median
print(f"base 8c {m([x[1] for x in b]):.1f} cpu {m([x[2] for x in b]):.3f} 1c {m([x[3] for x in b if x[3]]):.1f}  n={len(b)}")
print(f"tog  8c {m([x[1] for x in t]):.1f} cpu {m([x[2] for x in t]):.3f} 1c {m([x[3] for x in t if x[3]]):.1f}  n={len(t)}")
# paired: each tog vs preceding base
w8=sum(1 for i in range(1,len(seq)) if seq[i][0]=='tog' and seq[i-1][0]=='base' and seq[i][1]>seq[i-1][1])
n8=sum(1 for i in range(1,len(seq)) if seq[i][0]=='tog' and seq[i-1][0]=='base')
print(f"tog faster than the base before it (8c): {w8}/{n8}")
