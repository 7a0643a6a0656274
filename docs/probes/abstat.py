import sys, statistics, collections
# per block (== name), take rounds after the first SKIP; print median base and one per block, then per jar
skip=int(sys.argv[2]) if len(sys.argv)>2 else 4
blocks=[]; cur=None
for line in open(sys.argv[1]):
    if line.startswith('=='): cur=[line.split()[1],[],[],[]]; blocks.append(cur); continue
    p=line.split()
    if p[0]=='base' or p[0]=='tog': cur[1].append(float(p[1])); cur[3].append(float(p[5]))
    elif p[0]=='one': cur[2].append(float(p[1]))
per=collections.defaultdict(lambda: [[],[],[]])
for name,b,o,c in blocks:
    b,o,c=b[skip:],o[skip:],c[skip:]
    if not b: continue
    print(f"{name:16} 8c {statistics.median(b):7.1f}  1c {statistics.median(o):6.1f}  cpu {statistics.median(c):.3f} ms/put  (n={len(b)})")
    per[name][0]+=b; per[name][1]+=o; per[name][2]+=c
for name,(b,o,c) in per.items():
    print(f"ALL {name:12} 8c {statistics.median(b):7.1f}  1c {statistics.median(o):6.1f}  cpu {statistics.median(c):.3f}")
