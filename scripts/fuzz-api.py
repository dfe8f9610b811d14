#!/usr/bin/env python3
"""Throws malformed and extreme input at every operation of docs/api/gateway-public.json on a running system and lists
every answer of 500 or above but 503 (bad input must get a 4xx). It writes: it creates whatever the valid-looking bodies
create, so point it at a development system (scripts/run.sh), never at production.

Usage: scripts/fuzz-api.py GATEWAY_URL ADMIN_KEY_FILE [PATH_FILTER]
  e.g. scripts/fuzz-api.py http://127.0.0.1:8080 /tmp/fuzzkey /api/coupons
The admin key should have a high rate limit (POST /api/gateway/keys {"name":"fuzz","scope":"admin",
"rateLimitPerMinute":100000}); a 429 only slows the run. Exit code 1 when any operation answered 5xx."""
import json, os, sys, uuid, urllib.request, urllib.error, urllib.parse, random, copy, time

if len(sys.argv) < 3:
    sys.exit(__doc__)
BASE = sys.argv[1].rstrip('/')
KEY = open(sys.argv[2]).read().strip()
DOC = json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'docs', 'api', 'gateway-public.json')))
SCHEMAS = DOC['components']['schemas']
random.seed(1)
failures = []
count = 0

def resolve(s):
    while isinstance(s, dict) and '$ref' in s:
        s = SCHEMAS[s['$ref'].split('/')[-1]]
    return s or {}

def types(s):
    t = s.get('type')
    if isinstance(t, list): return [x for x in t if x != 'null'] or ['null']
    if t: return [t]
    if 'oneOf' in s or 'anyOf' in s:
        out = []
        for x in s.get('oneOf', s.get('anyOf')):
            out += types(resolve(x))
        return [x for x in out if x != 'null'] or ['string']
    if 'properties' in s: return ['object']
    return ['string']

def named(name, s):
    n = (name or '').lower()
    if 'currency' in n: return 'EUR'
    if 'email' in n: return 'fuzz-' + uuid.uuid4().hex[:6] + '@example.com'
    if n.endswith('url') or 'destination' in n or 'landing' in n: return 'https://shop.example.com/p/' + uuid.uuid4().hex[:6]
    if 'timezone' in n: return 'Europe/Berlin'
    if 'country' in n: return 'DE'
    if n in ('code', 'couponcode') or n.endswith('code'): return 'FUZZ' + uuid.uuid4().hex[:6].upper()
    return None

def sample(s, depth=0, name=None):
    s = resolve(s)
    for key in ('oneOf', 'anyOf'):
        if key in s:
            variants = [resolve(v) for v in s[key] if resolve(v).get('type') != 'null']
            if variants:
                merged = dict(variants[0])
                if 'properties' in s and 'properties' not in merged: merged['properties'] = s['properties']
                return sample(merged, depth, name)
    if 'enum' in s: return [e for e in s['enum'] if e is not None][0] if any(e is not None for e in s['enum']) else None
    t = types(s)[0]
    f = s.get('format', '')
    if t == 'object':
        if depth > 4: return {}
        props = s.get('properties', {})
        return {k: sample(v, depth + 1, k) for k, v in props.items()}
    if t == 'array': return [sample(s.get('items', {}), depth + 1, name)] if depth < 5 else []
    if t in ('integer',): return 1
    if t == 'number': return 10
    if t == 'boolean': return True
    if f == 'uuid': return str(uuid.uuid4())
    late = bool(name) and any(x in name.lower() for x in ('end', 'to', 'expir', 'until'))
    if f == 'date-time': return '2027-01-10T10:00:00Z' if late else '2026-12-10T10:00:00Z'
    if f == 'date': return '2027-01-10' if late else '2026-12-10'
    if f == 'time': return '10:00:00'
    if f == 'email': return 'fuzz@example.com'
    if f == 'uri': return 'https://example.com/x'
    return named(name, s) or ('fuzz-' + uuid.uuid4().hex[:8])

EXTREME = {
    'integer': [-1, 0, 2147483648, -2147483649, 9223372036854775808, 1.5, "1", None],
    'number': [-1, 0, -0.0001, 1e30, 79228162514264337593543950336, 1e-30, "10", None],
    'string': ["", " ", "x" * 20000, "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "<script>alert(1)</script>", "'; DROP TABLE x;--", "\u0000", "ｆｕｚｚ", 12, None, [], {}],
    'boolean': ["true", 1, None],
    'array': [[], [None], ["x"] * 5000, "x", {}, None],
    'object': [[], "x", 1, None, {}],
}
DATE_EXTREMES = ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "9999-12-31", "0001-01-01", "2026-13-45", "-1"]

def mutations(body, s, path=()):
    """One field at a time set to an extreme value."""
    s = resolve(s)
    for key in ('oneOf', 'anyOf'):
        if key in s:
            variants = [resolve(v) for v in s[key] if resolve(v).get('type') != 'null']
            if variants: s = variants[0]
    if types(s)[0] == 'object' and isinstance(body, dict):
        for k, v in s.get('properties', {}).items():
            rv = resolve(v)
            t = types(rv)[0]
            vals = list(EXTREME.get(t, []))
            if rv.get('format') in ('date-time', 'date'): vals += DATE_EXTREMES
            if 'enum' in rv: vals.append('bogus-enum')
            for val in vals:
                yield path + (k,), val
            if ('anyOf' in rv or 'oneOf' in rv) and isinstance(body.get(k), dict):
                yield from mutations(body.get(k), rv, path + (k,))
            elif t in ('object', 'array') and len(path) < 3:
                sub = body.get(k)
                if t == 'array' and isinstance(sub, list) and sub:
                    for p2, val in mutations(sub[0], rv.get('items', {}), ()):
                        yield path + (k, 0) + p2, val
                elif t == 'object' and isinstance(sub, dict):
                    yield from mutations(sub, rv, path + (k,))

def setp(body, path, val):
    b = copy.deepcopy(body)
    cur = b
    for p in path[:-1]:
        cur = cur[p]
    cur[path[-1]] = val
    return b

def send(method, url, data=None, raw=None, ctype='application/json', keep=300):
    global count
    count += 1
    body = raw if raw is not None else (json.dumps(data).encode() if data is not None else None)
    req = urllib.request.Request(BASE + url, data=body, method=method.upper())
    req.add_header('X-Api-Key', KEY)
    if body is not None: req.add_header('Content-Type', ctype)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()[:keep]
    except urllib.error.HTTPError as e:
        return e.code, e.read()[:300]
    except Exception as e:
        return 599, str(e).encode()

def check(method, url, data=None, raw=None, ctype='application/json'):
    status, text = send(method, url, data, raw, ctype)
    if status >= 500 and status != 503:
        failures.append((status, method.upper(), url[:200], (json.dumps(data) if data is not None else repr(raw))[:300], text[:300]))
    if status == 429:
        time.sleep(2)
    return status

def fill(path, params, bad=None):
    out = path
    for p in params:
        if p.get('in') != 'path': continue
        name = p['name']
        s = resolve(p.get('schema', {}))
        val = bad if bad is not None else (str(uuid.uuid4()) if s.get('format') == 'uuid' else 'FUZZ1')
        out = out.replace('{' + name + '}', urllib.parse.quote(str(val), safe=''))
    return out

only = sys.argv[3] if len(sys.argv) > 3 else ''
# Project-wide settings are put back afterwards: the run would otherwise leave, say, the promotions kill switch on.
SETTINGS = ['/api/promotions/settings']
saved = {path: json.loads(send('get', path, keep=100_000)[1]) for path in SETTINGS}
for path, item in DOC['paths'].items():
    if only and only not in path: continue
    for method, op in item.items():
        if method not in ('get', 'post', 'put', 'patch', 'delete'): continue
        params = op.get('parameters', []) + item.get('parameters', [])
        base = fill(path, params)
        # path params: bad values
        for bad in ['not-a-guid', 'x' * 3000, '-1', '%00', '..', 'a\x00b']:
            if '{' in path: check(method, fill(path, params, bad))
        # query params: extremes one at a time
        for p in params:
            if p.get('in') != 'query': continue
            s = resolve(p.get('schema', {}))
            vals = ['abc', '-1', '0', '99999999999999999999', 'x' * 5000, '', '1.5', 'a\x00b'] + DATE_EXTREMES
            for v in vals:
                check(method, base + '?' + urllib.parse.urlencode({p['name']: v}))
        rb = op.get('requestBody', {}).get('content', {}).get('application/json')
        if method in ('post', 'put', 'patch'):
            for raw in [b'{', b'', b'null', b'[]', b'"x"', b'{"a":', b'\xff\xfe', b'{}' ]:
                check(method, base, raw=raw)
            check(method, base, raw=b'{}', ctype='text/plain')
            if rb:
                schema = rb.get('schema', {})
                body = sample(schema)
                check(method, base, data=body)
                for mpath, val in mutations(body, schema):
                    check(method, base, data=setp(body, mpath, val))
for path, before in saved.items():
    restore = {k: v for k, v in before.items() if k in ('stackingMode', 'killSwitch', 'maxCombinedDiscountPercent')}
    restore['maxCombinedDiscountPercent'] = restore.get('maxCombinedDiscountPercent') or 0
    restore['reason'] = 'fuzz run over: settings put back'
    print(f"restored {path}: {send('put', path, data=restore)[0]}")
print(f"requests: {count}, 5xx: {len(failures)}")
seen = set()
for f in failures:
    key = (f[1], f[2].split('?')[0])
    if key in seen: continue
    seen.add(key)
    print(f)
sys.exit(1 if failures else 0)
