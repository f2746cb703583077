#!/usr/bin/env python3
import json, re, glob, os, sys
# usage: consolidate-vs-cloudsim.py CLOUDSIM_RUNS_DIR FLEETOPT_JSON_DIR (cloudsim.json, fleetopt.json from
#   fleetopt consolidate --json --vm-order dir --fidelity cloudsim / fleetopt); prints markdown tables.
CS_DIR, FO_DIR = sys.argv[1], sys.argv[2]
def cs(day, alloc, sel, par):
    f=f"{CS_DIR}/{day}-{alloc}-{sel}-{par}.txt"
    if not os.path.exists(f): return None
    t=open(f).read()
    g=lambda pat: float(re.search(pat,t).group(1).replace(',',''))
    return dict(kwh=g(r"Energy consumption: ([\d.]+)"), mig=g(r"Number of VM migrations: (\d+)"),
                slav=g(r"SLA: ([\d.]+)%")/100, slatah=g(r"SLA time per active host: ([\d.]+)%")/100,
                pdm=g(r"SLA perf degradation due to migration: ([\d.]+)%")/100)
fo={}
for f in ("cloudsim","fleetopt"):
    for r in json.load(open(f"{FO_DIR}/{f}.json")):
        fo[(r["day"],r["policy"],f)]=r
days=sorted({k[0] for k in fo})
PARAM={"thr":"0.8","lr":"1.2","lrr":"1.2","iqr":"1.5","mad":"2.5"}
pols=sorted({k[1] for k in fo if k[1]!="fleetopt-pctl"}, key=lambda p:(p.split("-")[1]!="mmt", p))
pairs=[(p,p.split("-")[0],p.split("-")[1],PARAM[p.split("-")[0]]) for p in pols]
print("| day | policy | CloudSim 4.0 kWh / migr. / SLAV / SLATAH / PDM | --fidelity cloudsim kWh / migr. / SLAV / SLATAH / PDM | Δ kWh / migr. / SLAV | --fidelity fleetopt kWh / migr. / SLAV / SLATAH / PDM |")
print("|---|---|---|---|---|---|")
worst={}
for d in days:
    for p,a,s,par in pairs:
        c=cs(d,a,s,par)
        if not c: continue
        m=fo[(d,p,"cloudsim")]; f=fo[(d,p,"fleetopt")]
        fmt=lambda x: f"{x['kwh']:.2f} / {int(x['mig']):,} / {x['slav']*100:.5f}% / {x['slatah']*100:.2f}% / {x['pdm']*100:.3f}%"
        mm=dict(kwh=m["energy_kwh"],mig=m["migrations"],slav=m["slav"],slatah=m["slatah"],pdm=m["pdm"])
        ff=dict(kwh=f["energy_kwh"],mig=f["migrations"],slav=f["slav"],slatah=f["slatah"],pdm=f["pdm"])
        if c:
            de=(mm['kwh']/c['kwh']-1)*100; dm=(mm['mig']/c['mig']-1)*100; ds=(mm['slav']/c['slav']-1)*100
            for k,v,lim in (("e",de,5),("m",dm,10),("s",ds,20)):
                worst.setdefault((p,k),[]).append(v)
            delta=f"{de:+.1f}% / {dm:+.1f}% / {ds:+.1f}%"
            flag="" if abs(de)<=5 and abs(dm)<=10 and abs(ds)<=20 else " **miss**"
            print(f"| {d} | {p.upper()} | {fmt(c)} | {fmt(mm)} | {delta}{flag} | {fmt(ff)} |")
        else:
            print(f"| {d} | {p.upper()} | (not run) | {fmt(mm)} | | {fmt(ff)} |")
for k,v in sorted(worst.items()): print(k, f"{min(v):+.1f} .. {max(v):+.1f}")
print()
print("| day | mode | policy | kWh | migrations | SLAV | SLATAH | PDM | s |")
print("|---|---|---|---|---|---|---|---|---|")
for d in days:
    for f in ("cloudsim","fleetopt"):
        for p in ["fleetopt-pctl"]+pols:
            r=fo[(d,p,f)]
            print(f"| {d} | {f} | {p} | {r['energy_kwh']:.2f} | {r['migrations']:,} | {r['slav']*100:.5f}% | {r['slatah']*100:.2f}% | {r['pdm']*100:.3f}% | {r['wall_seconds']:.2f} |")
print()
print("| day | pair | cloudsim mode: pair kWh / migr. / SLAV | ours vs pair: kWh / migr. / SLAV | fleetopt mode: pair kWh / migr. / SLAV | ours vs pair: kWh / migr. / SLAV |")
print("|---|---|---|---|---|---|")
beats={"cloudsim":[0,0],"fleetopt":[0,0]}
for d in days:
    for p in pols:
        cells=[]
        for f in ("cloudsim","fleetopt"):
            o=fo[(d,"fleetopt-pctl",f)]; x=fo[(d,p,f)]
            ok=o['energy_kwh']<x['energy_kwh'] and o['slav']<x['slav'] and o['migrations']<x['migrations']
            beats[f][0]+=ok; beats[f][1]+=1
            cells.append(f"{x['energy_kwh']:.1f} / {x['migrations']:,} / {x['slav']*100:.5f}%")
            cells.append(f"{(o['energy_kwh']/x['energy_kwh']-1)*100:+.1f}% / {o['migrations']/x['migrations']:.2f}× / {o['slav']/x['slav']:.3f}×")
        print(f"| {d} | {p.upper()} | " + " | ".join(cells) + " |")
print()
for f,(a,b) in beats.items(): print(f"ours lower in energy, migrations and SLAV than the pair: {a} of {b} day x pair ({f} mode)")
print()
print("| day | mode | fleetopt-pctl kWh / migr. / SLAV | vs LR-MMT: kWh / migr. / SLAV | vs THR-MMT: kWh / migr. / SLAV | goal (less kWh and SLAV than LR-MMT, < ½ its migrations) |")
print("|---|---|---|---|---|---|")
for d in days:
    for f in ("cloudsim","fleetopt"):
        o=fo[(d,"fleetopt-pctl",f)]; l=fo[(d,"lr-mmt",f)]; t=fo[(d,"thr-mmt",f)]
        rel=lambda a,b: f"{(a['energy_kwh']/b['energy_kwh']-1)*100:+.1f}% / {a['migrations']/b['migrations']:.2f}× / {a['slav']/b['slav']:.3f}×"
        ok = o['energy_kwh']<l['energy_kwh'] and o['slav']<l['slav'] and o['migrations']<0.5*l['migrations']
        print(f"| {d} | {f} | {o['energy_kwh']:.2f} / {o['migrations']:,} / {o['slav']*100:.5f}% | {rel(o,l)} | {rel(o,t)} | {'holds' if ok else 'FAILS'} |")
