import sys, collections
# usage: incl.py FILE THREAD_PREFIX [MUST_CONTAIN] [N]: samples of the threads whose name starts with THREAD_PREFIX
# (and whose stack contains MUST_CONTAIN), with the top frames by inclusive share (each frame counted once per stack)
f=sys.argv[1]; tp=sys.argv[2]; must=sys.argv[3] if len(sys.argv)>3 and sys.argv[3] != '-' else None
N=int(sys.argv[4]) if len(sys.argv)>4 else 40
tot=0; inc=collections.Counter(); selfc=collections.Counter()
for line in open(f):
    stack,_,n=line.rstrip().rpartition(' '); n=int(n); fr=stack.split(';')
    if not fr[0].startswith(tp): continue
    if must and must not in stack: continue
    tot+=n
    for x in set(fr[1:]): inc[x]+=n
    selfc[fr[-1]]+=n
print(f"{f} [{tp}] [{must}]: samples {tot}")
for k,v in inc.most_common(N): print(f"  {v:6d} {v/max(tot,1):6.1%} {k[:150]}")
print(" top self:")
for k,v in selfc.most_common(20): print(f"  {v:6d} {v/max(tot,1):6.1%} {k[:150]}")
