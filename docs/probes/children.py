import sys, collections
# usage: children.py FILE THREAD_PREFIX FRAME [DEPTH]: samples under FRAME (its first occurrence in a stack), by the next DEPTH frames
f=sys.argv[1]; tp=sys.argv[2]; frame=sys.argv[3]; d=int(sys.argv[4]) if len(sys.argv)>4 else 1
c=collections.Counter(); tot=0
for line in open(f):
    stack,_,n=line.rstrip().rpartition(' '); n=int(n); fr=stack.split(';')
    if not fr[0].startswith(tp): continue
    idx=[i for i,x in enumerate(fr) if frame in x]
    if not idx: continue
    i=idx[0]; tot+=n
    c[' ; '.join(x.split('/')[-1][:70] for x in fr[i+1:i+1+d]) or '(self)']+=n
print(frame, tot)
for k,v in c.most_common(25): print(f"  {v:6d} {v/tot:6.1%} {k}")
