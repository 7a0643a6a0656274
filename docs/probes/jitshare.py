import sys, collections
# usage: jitshare.py PROFILE.txt... (async-profiler collapsed stacks, one file per process)
# splits each process's samples: JIT compilers, GC, the hypervisor's pvm_irq_enable (where a PVM
# guest's samples land when taken with interrupts off), other kernel, stacks through Hiro's code, the rest;
# then the share of samples in a context switch (__schedule) and in waking a thread
for f in sys.argv[1:]:
    c=collections.Counter(); tot=0; sch=0; wake=0
    for line in open(f):
        stack,_,n=line.rstrip().rpartition(' '); n=int(n); tot+=n
        if '__schedule' in stack: sch+=n
        elif 'try_to_wake_up' in stack or 'eventfd_write' in stack: wake+=n
        if 'CompileBroker' in stack: k='jit'
        elif 'GCTaskThread' in stack or 'ParallelScavenge' in stack or 'PSScavenge' in stack or ';WorkerThread::run' in stack: k='gc'  # not ForkJoinWorkerThread (virtual threads' carriers)
        elif 'pvm_irq_enable' in stack: k='pvm_irq_enable'
        elif '_[k]' in stack: k='kernel-other'
        elif 'io/hiro' in stack: k='java-hiro-stack'
        else: k='other'
        c[k]+=n
    print(f.split('/')[-1][:30], tot, ' '.join(f"{k}={v/tot:.0%}" for k,v in c.most_common()),
          f"| switching {sch/tot:.0%}, waking {wake/tot:.0%}")
