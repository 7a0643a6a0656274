import sys, collections
# usage: cats.py FILE THREAD_PREFIX: the thread's samples by category (first matching rule, checked from the leaf up is not used: any frame matching)
rules=[('handler (Hiro service code)', ['ServiceGrpc$MethodHandlers.invoke']),
       ('interceptors: auth', ['AuthInterceptor','RefusalCooldown','CallCredential','CallVerifier','MasterAccess']),
       ('interceptors: metrics', ['RpcMetrics','io/prometheus']),
       ('interceptors: other hiro', ['io/hiro/']),
       ('write flush', ['WriteQueue','Channel.flush','doWrite']),
       ('journal', ['Journal','MasterStore','DurableCallbacks']),
       ('read & decode', ['epollInReady']),
       ('epoll wait', ['epoll_pwait','epollWait','EpollIoHandler.run']),
      ]
f=sys.argv[1]; tp=sys.argv[2]
c=collections.Counter(); tot=0
for line in open(f):
    stack,_,n=line.rstrip().rpartition(' '); n=int(n); fr=stack.split(';')
    if not fr[0].startswith(tp): continue
    tot+=n
    for name,pats in rules:
        if any(p in x for x in fr for p in pats):
            c[name]+=n; break
    else: c['other']+=n
print(f, tp, tot)
for k,v in c.most_common(): print(f"  {v:6d} {v/tot:6.1%} {k}")
