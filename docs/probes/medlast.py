import re,sys,statistics as st
# usage: medlast.py N OUT...: over the last N turns of Pair9 outputs, medians of Hiro/floor files/s, CPU per put, and per process
n=int(sys.argv[1])
for f in sys.argv[2:]:
    rows=[l for l in open(f) if re.match(r'^(floor|hiro) ',l)]
    fl=[];hi=[]
    for l in rows:
        m=re.match(r'^(\w+)\s+([\d.]+) files/s\s+cpu ms/put ([\d.]+) \[ ([\d. ]+)\].*switches/put ([\d.]+)',l)
        v=(float(m.group(2)),float(m.group(3)),[float(x) for x in m.group(4).split()],float(m.group(5)))
        (fl if m.group(1)=='floor' else hi).append(v)
    pairs=list(zip(fl,hi))[-n:]
    r=[h[0]/f_[0] for f_,h in pairs]; c=[h[1]/f_[1] for f_,h in pairs]
    per=[[h[2][i]/f_[2][i] for f_,h in pairs] for i in range(5)]
    print(f"{f:28s} last {len(pairs)}: ratio {st.median(r):.2f} ({min(r):.2f}-{max(r):.2f}) cpu x {st.median(c):.2f} ({min(c):.2f}-{max(c):.2f})  per process x [client master w1 w2 w3] "+" ".join(f"{st.median(p):.2f}" for p in per)+
          f"  hiro cpu {st.median([h[1] for f_,h in pairs]):.2f} floor cpu {st.median([f_[1] for f_,h in pairs]):.2f}")
