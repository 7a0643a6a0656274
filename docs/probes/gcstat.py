import sys, statistics, re
m=statistics.median; cur=None; res={}
skip=int(sys.argv[2]) if len(sys.argv)>2 else 2
runs=[]
for l in open(sys.argv[1]):
    if l.startswith('=='): cur=l.split()[1]; runs.append((cur,[],[],[])); continue
    if l.startswith('base'):
        p=l.split(); runs[-1][1].append(float(p[1])); runs[-1][3].append(float(p[5]))
    elif l.startswith('one'):
        runs[-1][2].append(float(l.split()[1]))
for mode in ('g1','alt'):
    rs=[r for r in runs if r[0]==mode]
    print(mode, "8c medians per cluster:", [round(m(r[1][skip:]),1) for r in rs], "cpu", [round(m(r[3][skip:]),3) for r in rs], "1c", [round(m(r[2][skip:]),1) for r in rs])
