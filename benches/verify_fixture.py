#!/usr/bin/env python3
"""Re-derives the known results of the plan_20_servers benchmark independently of the engine.

Exact fractions throughout (SPEC §1–§6): the catalog is data/catalogs/default.csv, the project
is PROJECT_20_SERVERS_TOML of benches/src/lib.rs (or a TOML file given as the argument). Prints
the line count and the totals that benches/src/lib.rs pins in `expected_20_servers`.

    python3 benches/verify_fixture.py
"""
import csv, tomllib, calendar, datetime as dt, sys
from fractions import Fraction as F
from decimal import Decimal
import os, re
ROOT=os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
rows=list(csv.DictReader(open(os.path.join(ROOT,'data/catalogs/default.csv'),encoding='utf-8')))
for r in rows: r['p']=F(Decimal(r['price']))
prov=sorted({r['provider'] for r in rows})
def items(cat,item): return [r for r in rows if r['category']==cat and r['item']==item]
def r1(x):  # half-up 2dp for x>=0
    n=x*100; q=n.numerator//n.denominator; rem=n-q
    if rem>=F(1,2): q+=1
    return F(q,100)
def avg(c): return r1(sum(c)/len(c))
if len(sys.argv)>1:
    P=tomllib.load(open(sys.argv[1],'rb'))
else:
    lib=open(os.path.join(ROOT,'benches/src/lib.rs'),encoding='utf-8').read()
    P=tomllib.loads(re.search(r'pub const PROJECT_20_SERVERS_TOML: &str = r#"(.*?)"#;',lib,re.S).group(1))
def server(v,m):
    c=[]
    for p in prov:
        fl=[r for r in rows if r['provider']==p and r['category']=='server' and int(r['vcpu'])>=v and F(Decimal(r['memory_gb']))>=m]
        if fl: c.append(min(r['p'] for r in fl))
    return avg(c)
def plain(cat,item): return avg([r['p'] for r in items(cat,item)])
nserv=sum(s.get('count',1) for s in P['servers'])
def traffic(vol):
    c=[]
    for r in items('traffic','outbound'):
        a=F(Decimal(r['included_gb'] or '0'))*(nserv if r['included_per']=='vm' else 1)
        c.append(r['p']*max(0,vol-a))
    return avg(c)
def backup(gb):
    c=[]
    for b in items('backup','base'):
        ex=max(0,gb-F(Decimal(b['included_gb'] or '0')))
        add=[r for r in items('backup','additional') if r['provider']==b['provider']]
        c.append(b['p']+(add[0]['p']*ex if ex else 0))
    return avg(c)
start=dt.date.fromisoformat(str(P['service_start'])); Y=P.get('usage_years',7)
end=dt.date(start.year+Y,start.month,start.day)-dt.timedelta(days=1)
def months(y):
    t=F(0)
    for m in range(1,13):
        dim=calendar.monthrange(y,m)[1]
        a=max(dt.date(y,m,1),start); b=min(dt.date(y,m,dim),end)
        if a<=b: t+=F((b-a).days+1,dim)
    return t
o=P.get('options',{})
disc=1-F(Decimal(str(o.get('discount_pct',0))))/100; esc=1+F(Decimal(str(o.get('price_escalation_pct',0))))/100
years=range(start.year,end.year+1)
def D(x): return F(Decimal(str(x)))
lines=[]  # list of functions i -> (price, qty)
for s in P['servers']:
    cnt=D(s.get('count',1)); pr=server(s['vcpu'],D(s['memory_gb']))
    lines.append(lambda i,pr=pr,cnt=cnt:(pr,cnt))
    if s.get('os','linux')!='linux':
        pr2=plain('os_license',s['os']); lines.append(lambda i,pr=pr2,cnt=cnt:(pr,cnt))
    if D(s.get('extra_disk_gb',0))>0:
        pr3=plain('storage',s.get('extra_disk_class','block_ssd')); q=D(s['extra_disk_gb'])*cnt
        lines.append(lambda i,pr=pr3,q=q:(pr,q))
for s in P.get('storage',[]):
    pr=plain('storage',s['class']); lines.append(lambda i,pr=pr,s=s:(pr,D(s['gb'])+D(s.get('annual_growth_gb',0))*i))
n=P.get('network',{})
for k,c,it in [('load_balancers','load_balancer','standard'),('public_ips','public_ip','ipv4'),('vpn','vpn','ipsec')]:
    if D(n.get(k,0))>0: pr=plain(c,it); lines.append(lambda i,pr=pr,q=D(n[k]):(pr,q))
if D(n.get('outbound_gb_per_month',0))>0 or D(n.get('outbound_annual_growth_gb',0))>0:
    lines.append(lambda i:(traffic(D(n.get('outbound_gb_per_month',0))+D(n.get('outbound_annual_growth_gb',0))*i),1))
for b in P.get('backup',[]):
    lines.append(lambda i,b=b:(backup(D(b['gb'])+D(b.get('annual_growth_gb',0))*i),D(b.get('count',1))))
for k in ["waf","ips_ids","ddos","db_access_control","db_encryption","server_access_control","antivirus"]:
    v=P.get('security',{}).get(k,0)
    q=F(nserv) if (v=='per_server' or v is True) else D(v)
    if q>0: pr=plain('security',k); lines.append(lambda i,pr=pr,q=q:(pr,q))
for e in P.get('extras',[]):
    pr=plain(e['category'],e['item']); lines.append(lambda i,pr=pr,q=D(e.get('quantity',1)):(pr,q))
by={}
for y in years:
    i=y-start.year; f=disc*esc**i*months(y)
    by.setdefault(y,{'u':0,'o':0})
    for L in lines:
        pr,q=L(i); a=pr*q*f; by[y]['u']+=a.numerator//a.denominator
ncost=0
for c in P.get('costs',[]):
    ncost+=1
    ys=[c['year']] if 'year' in c else range(c['from'],c['to']+1)
    amt=D(c['amount'] if 'amount' in c else c['per_year'])
    for y in ys: by.setdefault(y,{'u':0,'o':0}); by[y]['o']+=amt.numerator//amt.denominator
tot=sum(v['u']+v['o'] for v in by.values())
vat=sum((v['u']+v['o'])*10//100 for v in by.values())
uf=sum(v['u'] for v in by.values()); ufv=uf+sum(v['u']*10//100 for v in by.values())
by_=P['budget_year']; mt=[y for y in by if by_<=y<by_+P.get('midterm_years',5)]
mtv=sum(by[y]['u']+by[y]['o']+(by[y]['u']+by[y]['o'])*10//100 for y in mt)
print('lines',len(lines)+ncost,'total',tot,'with_vat',tot+vat,'usage',uf,ufv,'midterm_wv',mtv)
