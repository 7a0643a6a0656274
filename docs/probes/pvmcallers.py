import sys, collections
# who leads into pvm_irq_enable: the syscall (first frame before the kernel) and the kernel frames just above it
for f in sys.argv[1:]:
    sysc=collections.Counter(); par=collections.Counter(); tot=0; pv=0
    for line in open(f):
        stack,_,n=line.rstrip().rpartition(' '); n=int(n); tot+=n
        fr=stack.split(';')
        if fr[-1]!='pvm_irq_enable_[k]': continue
        pv+=n
        ks=[i for i,x in enumerate(fr) if x.endswith('_[k]')]
        entry=fr[ks[0]-1] if ks and ks[0]>0 else '?'
        sysc[entry[-40:]]+=n
        par[';'.join(x.replace('_[k]','') for x in fr[-4:-1])[-110:]]+=n
    print(f.split('/')[-1], f"pvm {pv/tot:.0%}")
    for k,v in sysc.most_common(8): print(f"   {v/tot:5.1%} from {k}")
    for k,v in par.most_common(8): print(f"   {v/tot:5.1%} .. {k}")
