// The HTML report's script: draws the page from the JSON in #ebrec-data (the documents of
// `ebrec report --format json`). Everything from the trace reaches the page as text nodes or
// attribute values set through the DOM, never as markup, and nothing is fetched.
'use strict';
(function () {
  // one trace's document, or {"hosts": [...]}: one a host, each with its "host" and "clock"
  const DATA = JSON.parse(document.getElementById('ebrec-data').textContent);
  const DOCS = DATA.hosts || [DATA];
  // the host whose sections are drawn (use()): its document, its META, and the prefix of its
  // elements' ids ('' when one host is shown, 'h0-'... when every host is, one after another)
  let D = DOCS[0], META = D.meta || {}, PFX = '';
  function use(i, prefix) { D = DOCS[i]; META = D.meta || {}; PFX = prefix; }
  const SVG = 'http://www.w3.org/2000/svg';
  // the registry of views (report/views.c): which family each view is in, and what it holds
  const REG = D.registry || { families: [], views: [] };
  const VIEWS = new Map(REG.views.map(v => [v.view, v]));
  const COLORS = { block: '#4a7bd0', proc: '#8c56c2', file: '#1d9a8a', tcp: '#e08a1e',
    sched: '#5a6b85', profile: '#d6453d', offcpu: '#2f9e44' };
  const PAGE = 50;

  function h(tag, props, ...kids) {
    const e = document.createElement(tag);
    for (const k in props || {}) {
      if (k === 'class') e.className = props[k];
      else if (k === 'on') for (const ev in props.on) e.addEventListener(ev, props.on[ev]);
      else e.setAttribute(k, props[k]);
    }
    for (const c of kids) if (c !== null && c !== undefined)
      e.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
    return e;
  }
  function s(tag, attrs, ...kids) {
    const e = document.createElementNS(SVG, tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    for (const c of kids) if (c !== null && c !== undefined)
      e.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
    return e;
  }
  function num(n) { return typeof n === 'number' ? n.toLocaleString('en-US', { maximumFractionDigits: 6 }) : String(n); }
  function dur(ns) {
    if (ns < 1e3) return ns + ' ns';
    if (ns < 1e6) return (ns / 1e3).toFixed(ns < 1e4 ? 2 : 1) + ' µs';
    if (ns < 1e9) return (ns / 1e6).toFixed(ns < 1e7 ? 2 : 1) + ' ms';
    return (ns / 1e9).toFixed(2) + ' s';
  }
  function size(n) {
    if (n < 1024) return n + ' B';
    if (n < 1048576) return (n / 1024).toFixed(n < 10240 ? 2 : 1) + ' KiB';
    if (n < 1073741824) return (n / 1048576).toFixed(n < 10485760 ? 2 : 1) + ' MiB';
    return (n / 1073741824).toFixed(2) + ' GiB';
  }
  // open(2)'s flags by name (x86-64 and the other common ABIs: octal as the kernel's fcntl.h)
  const OPEN_FLAGS = [[0o1, 'O_WRONLY'], [0o2, 'O_RDWR'], [0o100, 'O_CREAT'], [0o200, 'O_EXCL'],
    [0o400, 'O_NOCTTY'], [0o1000, 'O_TRUNC'], [0o2000, 'O_APPEND'], [0o4000, 'O_NONBLOCK'],
    [0o4010000, 'O_SYNC'], [0o10000, 'O_DSYNC'], [0o40000, 'O_DIRECT'], [0o100000, 'O_LARGEFILE'],
    [0o200000, 'O_DIRECTORY'], [0o400000, 'O_NOFOLLOW'], [0o1000000, 'O_NOATIME'],
    [0o2000000, 'O_CLOEXEC'], [0o10000000, 'O_PATH'], [0o20200000, 'O_TMPFILE']];
  function openFlags(v) {
    let rest = v;
    const names = [];
    for (const [bit, name] of OPEN_FLAGS)
      if ((rest & bit) === bit) { names.push(name); rest &= ~bit; }
    if (!(v & 3)) names.unshift('O_RDONLY');
    if (rest) names.push('0' + rest.toString(8));
    return names.join('|');
  }
  // Linux's signal numbers (x86, arm, the generic ABI), as bcc's exitsnoop names them
  const SIGNALS = ['', 'HUP', 'INT', 'QUIT', 'ILL', 'TRAP', 'ABRT', 'BUS', 'FPE', 'KILL', 'USR1',
    'SEGV', 'USR2', 'PIPE', 'ALRM', 'TERM', 'STKFLT', 'CHLD', 'CONT', 'STOP', 'TSTP', 'TTIN',
    'TTOU', 'URG', 'XCPU', 'XFSZ', 'VTALRM', 'PROF', 'WINCH', 'IO', 'PWR', 'SYS'];
  function signalName(n) { return n + ' (' + (SIGNALS[n] || (n >= 34 ? 'RT' + (n - 34) : '?')) + ')'; }
  // a wait status as bcc's exitsnoop says it: "0", "2", "signal 9 (KILL), core dumped"
  function waitStatus(st) {
    const sig = st & 0x7f;
    if (!sig) return 'exit ' + ((st >> 8) & 0xff);
    if (sig === 0x7f) return 'stopped by signal ' + ((st >> 8) & 0xff);
    return 'signal ' + signalName(sig) + (st & 0x80 ? ', core dumped' : '');
  }
  // errno values by name (asm-generic/errno-base.h and the common ones after it)
  const ERRNOS = { 1: 'EPERM', 2: 'ENOENT', 3: 'ESRCH', 4: 'EINTR', 5: 'EIO', 6: 'ENXIO', 7: 'E2BIG',
    8: 'ENOEXEC', 9: 'EBADF', 10: 'ECHILD', 11: 'EAGAIN', 12: 'ENOMEM', 13: 'EACCES', 14: 'EFAULT',
    16: 'EBUSY', 17: 'EEXIST', 18: 'EXDEV', 19: 'ENODEV', 20: 'ENOTDIR', 21: 'EISDIR', 22: 'EINVAL',
    23: 'ENFILE', 24: 'EMFILE', 25: 'ENOTTY', 26: 'ETXTBSY', 27: 'EFBIG', 28: 'ENOSPC', 29: 'ESPIPE',
    30: 'EROFS', 31: 'EMLINK', 32: 'EPIPE', 36: 'ENAMETOOLONG', 38: 'ENOSYS', 39: 'ENOTEMPTY',
    40: 'ELOOP', 95: 'EOPNOTSUPP', 104: 'ECONNRESET', 110: 'ETIMEDOUT', 111: 'ECONNREFUSED',
    122: 'EDQUOT' };
  function errnoName(e) { return e ? (ERRNOS[e] || 'errno') + ' (' + e + ')' : '0'; }
  // block/blktrace's rwbs: [F preflush] the operation [F fua] [A readahead] [S sync] [M metadata]
  const RWBS_OPS = { R: 'read', W: 'write', D: 'discard', E: 'secure erase', F: 'flush', N: 'none' };
  const RWBS_FLAGS = { F: 'fua', A: 'readahead', S: 'sync', M: 'metadata' };
  function rwbs(t) {
    let i = 0;
    const names = [];
    if (t[0] === 'F' && t.length > 1 && t[1] in RWBS_OPS) { names.push('preflush'); i = 1; }
    if (!(t[i] in RWBS_OPS)) return t;
    names.push(RWBS_OPS[t[i++]]);
    for (; i < t.length; i++) {
      if (!(t[i] in RWBS_FLAGS)) return t;
      names.push(RWBS_FLAGS[t[i]]);
    }
    return t + ' (' + names.join(', ') + ')';
  }
  // counts read with thousands separators (ids, ports and sectors do not)
  const COUNT_KEYS = /^(ios|reads|writes|opens|failed|samples|switches|procs|execs|hits|misses|dirties|retransmits|resets_sent|resets_received|reads_writes|count|spans)$/;
  // a cell as it reads: a unit from the key's name (docs/JSON.md), flags, errors and signals
  // by name, ratios as percentages
  function cellShow(view, key, x) {
    if (key === 'rwbs' && typeof x === 'string') return rwbs(x);
    if (typeof x !== 'number') return cellText(x);
    if (/_ns$/.test(key)) return dur(x);
    if (/_us$/.test(key)) return dur(x * 1e3);
    if (/_ms$/.test(key) || key === 'ms') return dur(x * 1e6);
    if (/^(time|start|end)_s$/.test(key)) return x.toFixed(6) + ' s';
    if (/_s$/.test(key)) return dur(x * 1e9);
    if (key === 'bytes' || /_bytes$/.test(key)) return size(x);
    if (/_mb$/.test(key)) return num(x) + ' MiB';
    if (/ratio/.test(key)) return (100 * x).toFixed(2) + '%';
    if (/_pages$/.test(key)) return num(x) + ' (' + size(x * 4096) + ')';
    if (key === 'flags' && view === 'opensnoop') return openFlags(x);
    if (key === 'mode' && view === 'opensnoop') return '0' + x.toString(8);
    if (key === 'err') return errnoName(x);
    if (key === 'ret' && view === 'execsnoop') return x < 0 ? '-' + errnoName(-x) : String(x);
    if (key === 'status' && (view === 'exitsnoop' || view === 'processes')) return waitStatus(x);
    if (key === 'signal' && view === 'exitsnoop') return signalName(x);
    if (key === 'ip' && (x === 4 || x === 6)) return 'IPv' + x;
    if (COUNT_KEYS.test(key)) return num(x);
    return String(x);
  }
  function utc(ns) {
    if (!ns) return 'unknown';
    return new Date(Number(BigInt(ns) / 1000000n)).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  }
  function lossLine(l) {
    if (!l) return null;
    const lost = l.lost || 0;
    const text = l.family + ' events: ' + num(l.emitted) + ' emitted, ' + num(lost) + ' lost' +
      (lost ? ' (ring buffer ' + num(l.lost_ringbuf) + ', unpaired in the kernel ' + num(l.lost_map) +
        ', recorder queue ' + num(l.lost_user) + '): this view is incomplete' : '');
    return h('p', { class: lost ? 'note warn' : 'note' }, text);
  }

  // ---------------------------------------------------------------- the first screen
  const viewOf = name => (D.views || []).find(v => v.view === name);
  function recordedSeconds() {
    const a = +META['clock.start.monotonic_ns'], b = +META['clock.end.monotonic_ns'];
    return b > a ? (b - a) / 1e9 : null;  // as `ebrec info` says it
  }
  function header(title) {
    const l = D.losses || {};
    const secs = recordedSeconds();
    const span = secs !== null ? secs.toFixed(3) + ' s' : 'about ' + (D.timeline ? D.timeline.seconds : 0) + ' s (not stopped cleanly)';
    return h('header', { id: PFX + 'top' }, h('h1', null, title),
      h('div', { class: 'sub' }, 'host ' + (META['host.hostname'] || '?') + ' (' + (META['host.kernel'] || '?') +
        ', ' + (META['host.ncpus'] || '?') + ' CPUs) · recorded ' + utc(META['clock.start.realtime_ns']) +
        ' for ' + span + ' · ' + num(l.emitted || 0) + ' events, ' + num(l.lost || 0) + ' lost'),
      h('div', { class: 'file' }, D.file));
  }

  // the process with the most of a value, summed over rows (a top view's rows or a listing's)
  function topBy(rows, key, n) {
    const by = new Map();
    for (const r of rows) {
      if (r.pid === undefined) continue;
      const k = r.pid + '\u0000' + r.comm;
      by.set(k, (by.get(k) || 0) + (key ? r[key] || 0 : 1));
    }
    return Array.from(by.entries()).filter(e => e[1] > 0).sort((a, b) => b[1] - a[1]).slice(0, n)
      .map(([k, v]) => { const [pid, comm] = k.split('\u0000'); return { pid, comm, v }; });
  }
  function card(title, viewName, big, lines, note, extra) {
    return h('a', { class: 'card', href: '#' + PFX + 'view-' + viewName }, h('div', { class: 'card-title' }, title),
      h('div', { class: 'card-big' }, big), ...lines.map(t => h('div', { class: 'card-line' }, t)),
      extra || null, note ? h('div', { class: 'note' }, note) : null);
  }
  // The q-quantile (0..1) of latencies counted per power of two of ns (a heat map's column, or
  // columns summed): inside its row, linearly from the row's latency to twice it
  function log2Quantile(counts, firstRow, q) {
    let total = 0;
    for (const n of counts) total += n;
    if (!total) return null;
    const want = q * total;
    let seen = 0;
    for (let r = 0; r < counts.length; r++) {
      if (!counts[r] || seen + counts[r] < want) { seen += counts[r]; continue; }
      const lo = Math.pow(2, firstRow + r);
      return Math.round(lo + lo * (want - seen) / counts[r]);
    }
    return Math.pow(2, firstRow + counts.length);
  }
  // columns [a, b) of a heat map summed row by row
  function heatSum(m, a, b) {
    const rows = m.columns.length ? m.columns[0].length : 0, sum = new Array(rows).fill(0);
    for (let c = a; c < b; c++) m.columns[c].forEach((n, r) => { sum[r] += n; });
    return sum;
  }
  // A latency's change over the recording, from the view's heat map: p99 of each of up to 24
  // slices of time as a sparkline (log scale), and p50/p99 of the first third against the last
  function latencyTrend(m) {
    const ncol = m && m.columns ? m.columns.length : 0;
    if (ncol < 3) return null;
    const box = h('div', { class: 'trend' });
    const slices = Math.min(24, ncol), p99s = [];
    for (let i = 0; i < slices; i++) {
      const a = Math.floor(i * ncol / slices), b = Math.floor((i + 1) * ncol / slices);
      p99s.push(log2Quantile(heatSum(m, a, b), m.first_row, 0.99));
    }
    const known = p99s.filter(x => x !== null);
    if (known.length >= 2) {
      const W = 120, H = 22, lo = Math.log2(Math.min(...known)), hi = Math.log2(Math.max(...known));
      const y = x => (H - 2 - (hi > lo ? (Math.log2(x) - lo) / (hi - lo) : 0.5) * (H - 4)).toFixed(1);
      let d = '';
      p99s.forEach((x, i) => {
        if (x !== null) d += (d && p99s[i - 1] !== null ? 'L' : 'M') + (i * W / (slices - 1)).toFixed(1) + ' ' + y(x);
      });
      box.appendChild(s('svg', { class: 'spark', width: W, height: H, viewBox: '0 0 ' + W + ' ' + H },
        s('title', null, 'p99 over ' + slices + ' slices of ' + dur(m.column_s * 1e9 * ncol / slices) +
          ': ' + known.map(dur).join(', ')), s('path', { d })));
    }
    const third = Math.floor(ncol / 3), first = heatSum(m, 0, third), last = heatSum(m, ncol - third, ncol);
    const change = (a, b) => a === null || b === null ? '' : ' (' + (b >= a ? '+' : '') +
      (100 * (b - a) / a).toFixed(0) + '%)';
    const line = [];
    for (const [name, q] of [['p50', 0.5], ['p99', 0.99]]) {
      const a = log2Quantile(first, m.first_row, q), b = log2Quantile(last, m.first_row, q);
      line.push(name + ' ' + (a === null ? '—' : dur(a)) + ' → ' + (b === null ? '—' : dur(b)) + change(a, b));
    }
    box.appendChild(h('div', { class: 'card-line trend-line', title: 'the first third of the recording, ' +
      'then the last third (from the heat map: a latency to within its power of two)' },
    'first → last third: ' + line.join(' · ')));
    return box;
  }
  function overview() {
    const sec = h('section', { id: PFX + 'sec-summary' }, h('h2', null, 'Headlines'));
    const cards = h('div', { class: 'cards' });
    const LAT = [['biolatency', 'Block I/O latency', 'I/Os'], ['runqlat', 'Waiting for a CPU', 'waits'],
      ['cpudist', 'On-CPU time', 'runs']];
    for (const [name, title, what] of LAT) {
      const v = viewOf(name);
      const g = v && v.histograms.slice().sort((a, b) => b.total - a.total)[0];
      if (!g || !g.total) continue;
      const p = g.percentiles;
      cards.appendChild(card(title, name, 'p50 ' + dur(p.p50_ns) + ' · p99 ' + dur(p.p99_ns),
        [num(g.total) + ' ' + what + ', max ' + dur(p.max_ns) + (g.disk ? ' (disk ' + g.disk + ')' : '')],
        null, latencyTrend(v.heatmap)));
    }
    const TOP = [['proctop', 'cpu_ns', 'Top by CPU', dur], ['biotop', 'bytes', 'Top by block I/O', size],
      ['opensnoop', null, 'Top by opens', num], ['tcptop', 'bytes', 'Top by TCP bytes', size],
      ['proctop', 'runq_ns', 'Top by CPU wait', dur]];
    for (const [name, key, title, fmt] of TOP) {
      const v = viewOf(name);
      const top = v ? topBy(v.rows, key, 3) : [];
      if (!top.length) continue;
      cards.appendChild(card(title, name, top[0].comm + ' (' + top[0].pid + ')',
        top.map(t => t.comm + ' (' + t.pid + '): ' + fmt(t.v)),
        v.rows_omitted ? 'of the first ' + num(v.rows.length) + ' rows' : null));
    }
    if (!cards.children.length) cards.appendChild(h('p', { class: 'note' }, 'No view with values.'));
    sec.appendChild(cards);
    return sec;
  }

  function facts() {
    const t = h('table', { class: 'facts' });
    const keys = Object.keys(META).filter(k => /^(host|record|clock|ebrec|redact)\./.test(k));
    for (const k of keys) {
      const v = k === 'clock.start.realtime_ns' ? META[k] + ' (' + utc(META[k]) + ')' : META[k];
      t.appendChild(h('tr', null, h('td', null, k), h('td', { class: 'text' }, clip(v))));
    }
    const all = h('table', { class: 'facts' });
    for (const k of Object.keys(META))
      all.appendChild(h('tr', null, h('td', null, k), h('td', { class: 'text' }, clip(META[k]))));
    const box = h('details', null, h('summary', null, 'the trace\'s META (' + Object.keys(META).length + ' keys)'),
      h('div', { class: 'scroll' }, t), h('details', null, h('summary', null, 'all of them'), h('div', { class: 'scroll' }, all)));
    const sec = h('section', { id: PFX + 'sec-host' }, h('h2', null, 'Host and recording'), box);
    if (META['redact.kinds'])
      sec.insertBefore(h('p', { class: 'warn' }, 'This trace was redacted (' + META['redact.kinds'] +
        '): those names are keyed pseudonyms.'), box);
    return sec;
  }

  // the loss windows of a family's probes ("file/open" is the file family's)
  function familyLossWindows(fam) {
    const out = [];
    for (const p of D.probes || [])
      if (p.probe.split('/')[0] === fam) for (const w of p.losses.windows || []) out.push([p.probe, w]);
    return out;
  }
  function timeline() {
    const tl = D.timeline || { seconds: 0, per_second: {} };
    const fams = Object.keys(tl.per_second);
    const secs = recordedSeconds();
    const sec = h('section', { id: PFX + 'sec-timeline' }, h('h2', null, 'Timeline: events per second, a chart a family'));
    sec.appendChild(h('p', { class: 'note' }, 'Seconds from the start of the recording (' +
      (secs !== null ? secs.toFixed(3) + ' s long, as ebrec info says' : 'its end not recorded') +
      '); each chart on its own scale; red: seconds in which a probe of that family lost events.'));
    if (D.window && (D.window.since_s > 0 || D.window.until_s !== undefined))
      sec.appendChild(h('p', { class: 'note' }, 'The views cover ' + D.window.since_s + ' s to ' +
        (D.window.until_s !== undefined ? D.window.until_s + ' s' : 'the end') +
        ' of the recording (--since/--until).'));
    if (!tl.seconds || !fams.length) {
      sec.appendChild(h('p', { class: 'note' }, 'No events of the traced system.'));
      return sec;
    }
    const step = Math.max(1, Math.ceil(tl.seconds / 600));
    const cols = Math.ceil(tl.seconds / step);
    const W = 1200, H = 64, L = 70, B = 16;
    const x = i => L + (W - L - 10) * i / Math.max(1, cols);
    for (const f of fams) {
      const series = new Array(cols).fill(0);
      tl.per_second[f].forEach((c, i) => { series[Math.floor(i / step)] += c / step; });
      const max = Math.max(1, ...series);
      const y = v => 4 + (H - B - 4) * (1 - v / max);
      const g = s('svg', { class: 'timeline', viewBox: '0 0 ' + W + ' ' + H, width: '100%', 'data-family': f });
      for (const [probe, w] of familyLossWindows(f)) {
        const x0 = x(w.start_s / step), x1 = Math.max(x0 + 2, x(w.end_s / step));
        g.appendChild(s('rect', { class: 'loss', x: x0, y: 4, width: x1 - x0, height: H - B - 4 },
          s('title', null, probe + ' lost ' + num(w.lost) + ' events, ' + w.start_s + '–' + w.end_s + ' s')));
      }
      g.appendChild(s('line', { x1: L, y1: H - B, x2: W - 10, y2: H - B, stroke: '#888' }));
      g.appendChild(s('text', { x: L - 6, y: 12, 'text-anchor': 'end', 'font-size': 11 }, num(Math.round(max)) + '/s'));
      g.appendChild(s('text', { x: 2, y: H - B - 4, 'font-size': 12, 'font-weight': 600, fill: COLORS[f] || '#333' }, f));
      for (let t = 0; t <= 4; t++) {
        const i = Math.round(cols * t / 4);
        g.appendChild(s('text', { x: x(i), y: H - 3, 'text-anchor': 'middle', 'font-size': 10 }, Math.round(i * step) + ' s'));
      }
      const pts = series.map((v, i) => x(i + 0.5) + ',' + y(v)).join(' ');
      g.appendChild(s('polyline', { points: pts, fill: 'none', stroke: COLORS[f] || '#333', 'stroke-width': 1.5 },
        s('title', null, f + ': ' + num(tl.per_second[f].reduce((a, b) => a + b, 0)) + ' events')));
      sec.appendChild(g);
    }
    if (step > 1)
      sec.appendChild(h('p', { class: 'note' }, 'Each point averages ' + step + ' s.'));
    return sec;
  }

  function quality() {
    const sec = h('section', { id: PFX + 'sec-quality' }, h('h2', null, 'Data quality'));
    const warnings = D.warnings || [];
    sec.appendChild(h('p', { class: warnings.length ? 'warn' : 'ok' }, warnings.length
      ? warnings.length + ' warning(s): the trace is incomplete or damaged' : 'The trace was read whole: no damage, no limit reached.'));
    if (warnings.length) sec.appendChild(h('ul', null, ...warnings.map(w => h('li', null, w))));
    const t = h('table', null, h('tr', null, ...['probe', 'emitted', 'lost', 'ring buffer full',
      'unpaired in the kernel', 'recorder queue full', 'when (seconds from the start)'].map(c => h('th', null, c))));
    for (const p of D.probes || []) {
      const l = p.losses;
      const when = (l.windows || []).map(w => w.start_s + '–' + w.end_s + ' s: ' + num(w.lost)).join(', ') +
        (l.windows_not_listed ? ', and ' + l.windows_not_listed + ' more' : '');
      t.appendChild(h('tr', { class: l.lost ? 'warn' : '' }, h('td', null, p.probe),
        ...[l.emitted, l.lost, l.lost_ringbuf, l.lost_map, l.lost_user].map(v => h('td', { class: 'num' }, num(v))),
        h('td', { class: 'text' }, when || '—')));
    }
    sec.appendChild(h('h3', null, 'Events emitted and lost, per probe'));
    sec.appendChild(h('div', { class: 'scroll' }, t));
    const kf = +META['symbols.kernel_frames'] || 0, kr = +META['symbols.kernel_resolved'] || 0;
    const uf = +META['symbols.user_frames'] || 0, ur = +META['symbols.user_resolved'] || 0;
    if (kf || uf) {
      const pct = (a, b) => b ? (100 * a / b).toFixed(1) + '%' : '—';
      sec.appendChild(h('h3', null, 'Symbolized stack frames'));
      sec.appendChild(h('table', null,
        h('tr', null, h('th', null, 'frames'), h('th', null, 'recorded'), h('th', null, 'named'), h('th', null, 'share')),
        h('tr', null, h('td', null, 'kernel'), h('td', { class: 'num' }, num(kf)), h('td', { class: 'num' }, num(kr)), h('td', { class: 'num' }, pct(kr, kf))),
        h('tr', null, h('td', null, 'user'), h('td', { class: 'num' }, num(uf)), h('td', { class: 'num' }, num(ur)), h('td', { class: 'num' }, pct(ur, uf)))));
    }
    return sec;
  }

  // ---------------------------------------------------------------- histograms
  function histogram(v, g) {
    const label = ['disk', 'flags', 'pid', 'tid', 'comm'].filter(k => g[k] !== undefined)
      .map(k => k + ' ' + g[k]).join(', ') || 'all';
    const p = g.percentiles;
    const box = h('div', { class: 'hist-box' });
    box.appendChild(h('p', null, h('b', null, label), ': ' + num(g.total) + ' ' +
      (v.view === 'biolatency' ? 'I/Os' : 'intervals') + (p && g.total ? '; p50 ' + dur(p.p50_ns) + ', p90 ' +
        dur(p.p90_ns) + ', p99 ' + dur(p.p99_ns) + ', p99.9 ' + dur(p.p999_ns) + ', max ' + dur(p.max_ns) +
        ', mean ' + dur(p.mean_ns) : '')));
    const b = g.buckets || [];
    if (!b.length) return box;
    const BW = 34, H = 150, top = 16, bottom = 48, W = 50 + BW * b.length;
    const max = Math.max(1, ...b.map(x => x.count));
    const svg = s('svg', { class: 'hist', width: W, height: H, viewBox: '0 0 ' + W + ' ' + H });
    b.forEach((x, i) => {
      const bh = (H - top - bottom) * x.count / max;
      svg.appendChild(s('rect', { class: 'bar', x: 40 + i * BW + 2, y: H - bottom - bh, width: BW - 4,
        height: Math.max(bh, x.count ? 1 : 0) }, s('title', null, x.low + ' -> ' + x.high + ' ' + v.unit + ': ' + num(x.count))));
      svg.appendChild(s('text', { x: 40 + i * BW + BW / 2, y: H - bottom + 12, 'font-size': 9,
        'text-anchor': 'end', transform: 'rotate(-45 ' + (40 + i * BW + BW / 2) + ' ' + (H - bottom + 12) + ')' }, String(x.low)));
    });
    svg.appendChild(s('text', { x: 2, y: H - 4, 'font-size': 10 }, v.unit));
    svg.appendChild(s('text', { x: 36, y: top, 'font-size': 10, 'text-anchor': 'end' }, num(max)));
    const per = v.unit === 'msecs' ? 1e6 : 1e3;
    if (p && g.total) {
      for (const [name, ns] of [['p50', p.p50_ns], ['p90', p.p90_ns], ['p99', p.p99_ns]]) {
        const val = ns / per;
        const i = val < 2 ? 0 : Math.floor(Math.log2(val));
        const low = i ? Math.pow(2, i) : 0, high = Math.pow(2, i + 1);
        const xpos = 40 + BW * (Math.min(i, b.length - 1) + Math.min(1, (val - low) / (high - low)));
        svg.appendChild(s('line', { class: 'pct', x1: xpos, x2: xpos, y1: top, y2: H - bottom }));
        svg.appendChild(s('text', { x: xpos + 2, y: top - 4 + (name === 'p90' ? 10 : name === 'p99' ? 20 : 0), 'font-size': 10, fill: '#a4281b' }, name));
      }
    }
    box.appendChild(h('div', { class: 'scroll' }, svg));
    return box;
  }

  // time x latency, as Gregg's latency heat maps: a column a time range, a row from a latency
  // to twice it, darker for more (on a log scale, so that one slow I/O among thousands shows)
  function heatmap(v) {
    const m = v.heatmap, cols = m.columns, rows = cols.length ? cols[0].length : 0;
    const box = h('div', { class: 'heat-box' });
    if (!rows) return box;
    const CW = Math.max(1.5, 720 / cols.length), RH = 12;
    const left = 64, top = 6, bottom = 16, W = Math.ceil(left + CW * cols.length + 8), H = top + RH * rows + bottom;
    let max = 1;
    for (const c of cols) for (const n of c) if (n > max) max = n;
    const svg = s('svg', { class: 'heat', viewBox: '0 0 ' + W + ' ' + H, width: W, height: H });
    cols.forEach((c, x) => c.forEach((n, r) => {
      if (!n) return;
      const row = m.first_row + r, lo = Math.pow(2, row);
      svg.appendChild(s('rect', { x: left + x * CW, y: top + (rows - 1 - r) * RH, width: CW, height: RH,
        fill: '#d6453d', 'fill-opacity': (0.15 + 0.85 * Math.log(n + 1) / Math.log(max + 1)).toFixed(3) },
        s('title', null, (x * m.column_s).toFixed(1) + '–' + ((x + 1) * m.column_s).toFixed(1) + ' s, ' +
          dur(lo) + ' to ' + dur(2 * lo) + ': ' + num(n))));
    }));
    for (let r = 0; r < rows; r += Math.max(1, Math.ceil(rows / 8)))
      svg.appendChild(s('text', { x: left - 4, y: top + (rows - r) * RH - 2, 'font-size': 9,
        'text-anchor': 'end' }, dur(Math.pow(2, m.first_row + r))));
    const span = cols.length * m.column_s;
    for (let i = 0; i <= 4; i++)
      svg.appendChild(s('text', { x: left + CW * cols.length * i / 4, y: H - 12, 'font-size': 9,
        'text-anchor': i ? (i === 4 ? 'end' : 'middle') : 'start' }, (span * i / 4).toFixed(span < 10 ? 1 : 0) + ' s'));
    box.appendChild(h('h4', null, 'Latency over time'));
    box.appendChild(h('div', { class: 'scroll' }, svg));
    box.appendChild(h('p', { class: 'note' }, 'Seconds from the start across, ' + dur(m.column_s * 1e9) +
      ' a column; a row from its latency to twice it; darker: more (the darkest: ' + num(max) + ')'));
    return box;
  }

  function histView(v) {
    const box = h('div');
    if (v.intervals !== undefined)
      box.appendChild(h('p', { class: 'note' }, v.measure + ': ' + num(v.intervals) + ' intervals' +
        (v.untraced_switch_ins ? '; ' + num(v.untraced_switch_ins) + ' switch-ins the kernel did not trace' : '')));
    for (const g of v.histograms.slice(0, 64)) box.appendChild(histogram(v, g));
    if (v.histograms.length > 64)
      box.appendChild(h('p', { class: 'note' }, (v.histograms.length - 64) + ' more histograms: see the text or JSON report'));
    if (!v.histograms.length) box.appendChild(h('p', { class: 'note' }, 'No values.'));
    if (v.heatmap) box.appendChild(heatmap(v));
    return box;
  }

  // ---------------------------------------------------------------- tables
  // table cells: numbers as they are (pids, ports and sectors read wrong with separators)
  function cellText(x) {
    if (x === null || x === undefined) return '';
    if (typeof x === 'object') return JSON.stringify(x);
    return String(x);
  }

  function table(rows, opts) {
    const box = h('div', { class: 'table-box' });
    if (!rows.length) {
      box.appendChild(h('p', { class: 'note' }, 'No rows.'));
      return box;
    }
    const cols = [];
    for (const r of rows.slice(0, 50)) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
    // keys few rows have (a process's title) may all be past the first 50
    const afterArgs = () => (cols.indexOf('args') + 1) || cols.length; // no args: last
    for (const r of rows) if ('title' in r && !cols.includes('title')) cols.splice(afterArgs(), 0, 'title');
    const numeric = cols.map(c => rows.every(r => r[c] === undefined || typeof r[c] === 'number'));
    const hay = rows.map(r => cols.map(c => cellText(r[c])).join('\u0001').toLowerCase());
    let shown = rows.map((_, i) => i), page = 0, sortCol = -1, sortDir = 1;
    const filter = h('input', { type: 'search', placeholder: 'filter rows (any column contains)' });
    const prev = h('button', null, '‹ previous'), next = h('button', null, 'next ›');
    const info = h('span', { class: 'note' });
    const thead = h('tr');
    const tbody = h('tbody');
    cols.forEach((c, i) => thead.appendChild(h('th', { on: { click: () => sortBy(i) } }, c)));
    function draw() {
      const pages = Math.max(1, Math.ceil(shown.length / PAGE));
      page = Math.min(page, pages - 1);
      tbody.textContent = '';
      for (const idx of shown.slice(page * PAGE, page * PAGE + PAGE)) {
        const r = rows[idx];
        tbody.appendChild(h('tr', null, ...cols.map((c, i) => {
          const t = cellShow(opts.view, c, r[c]);
          return h('td', { class: numeric[i] ? 'num' : 'text' }, clip(t));
        })));
      }
      info.textContent = shown.length ? 'rows ' + num(page * PAGE + 1) + '–' +
        num(Math.min(shown.length, page * PAGE + PAGE)) + ' of ' + num(shown.length) +
        (shown.length < rows.length ? ' (filtered from ' + num(rows.length) + ')' : '') : 'no row matches';
      prev.disabled = page === 0;
      next.disabled = page >= pages - 1;
      Array.from(thead.children).forEach((th, i) =>
        th.className = i === sortCol ? (sortDir > 0 ? 'sorted-asc' : 'sorted-desc') : '');
    }
    function sortBy(i) {
      sortDir = sortCol === i ? -sortDir : (numeric[i] ? -1 : 1);
      sortCol = i;
      const c = cols[i];
      shown.sort((a, b) => {
        const x = rows[a][c], y = rows[b][c];
        const d = numeric[i] ? (x || 0) - (y || 0) : cellText(x).localeCompare(cellText(y));
        return d * sortDir || a - b;
      });
      draw();
    }
    filter.addEventListener('input', () => {
      const q = filter.value.toLowerCase();
      shown = [];
      hay.forEach((t, i) => { if (!q || t.includes(q)) shown.push(i); });
      if (sortCol >= 0) { sortDir = -sortDir; sortBy(sortCol); }
      page = 0;
      draw();
    });
    prev.addEventListener('click', () => { page--; draw(); });
    next.addEventListener('click', () => { page++; draw(); });
    box.appendChild(h('div', { class: 'controls' }, filter, prev, next, info));
    box.appendChild(h('div', { class: 'scroll' }, h('table', { class: 'rows' }, h('thead', null, thead), tbody)));
    if (opts.sortDesc !== undefined) { sortBy(cols.indexOf(opts.sortDesc)); }
    draw();
    return box;
  }

  // a long value (a command line, a path) on at most two lines; a click shows it whole
  function clip(t) {
    if (t.length <= 40) return t;
    const d = h('div', { class: 'clip', title: t }, t);
    d.addEventListener('click', () => d.classList.toggle('open'));
    return d;
  }

  function rowsView(v) {
    const box = h('div');
    if (v.rows_omitted)
      box.appendChild(h('p', { class: 'note warn' }, 'The page holds the first ' + num(v.rows.length) +
        ' rows of ' + num(v.rows.length + v.rows_omitted) + ': `ebrec report ' + D.file + ' ' + v.view +
        '` lists them all (or cut the trace with --since/--until).'));
    // what the recording left out, as the text report's notes say (a recording without -e)
    const left = v.recorded_failed_execs === false ?
      'Successful execs only: recorded without -e proc, which leaves out the system call ' +
      'tracepoints that see failed ones.' :
      v.recorded_accepts === false ?
      "No accepts: recorded without -e tcp, which leaves out accept's system call " +
      "tracepoint; tcplife names a passive session's process from its close." : null;
    if (left) box.appendChild(h('p', { class: 'note' }, left));
    const byteCols = ['tx_bytes', 'rx_bytes'];
    const sortDesc = v.view === 'tcplife' && v.rows.length && byteCols[0] in v.rows[0] ? 'tx_bytes' : undefined;
    box.appendChild(table(v.rows, { sortDesc, view: v.view }));
    return box;
  }

  // ---------------------------------------------------------------- flame graphs
  // A run of identical frames (deep recursion) as one, "name ×N", and a run of a repeating
  // cycle of up to 8 frames (A B A B ..., as loopback network stacks nest) as one frame
  // "A → B ×N": the cycle that covers the most frames, the shortest of those.
  const CYCLE_MAX = 8;
  function foldRepeats(path) {
    const out = [];
    const same = (a, b) => path[a][0] === path[b][0] && path[a][1] === path[b][1];
    for (let i = 0; i < path.length;) {
      let bestLen = 1, bestReps = 1;
      for (let len = 1; len <= CYCLE_MAX && i + 2 * len <= path.length; len++) {
        let reps = 1;
        while (i + (reps + 1) * len <= path.length) {
          let k = 0;
          while (k < len && same(i + k, i + reps * len + k)) k++;
          if (k < len) break;
          reps++;
        }
        if (reps > 1 && (reps - 1) * len > (bestReps - 1) * bestLen) { bestLen = len; bestReps = reps; }
      }
      const kinds = new Set(path.slice(i, i + bestLen).map(f => f[1]));
      if (bestReps > 1)
        out.push([path.slice(i, i + bestLen).map(f => f[0]).join(' → ') + ' ×' + bestReps,
          kinds.size === 1 ? path[i][1] : 'kernel']);
      else
        out.push(path[i]);
      i += bestLen * bestReps;
    }
    return out;
  }
  const OTHER = 'other (stacks below the share: see above)';
  function flameTree(v, perPid) {
    const root = { name: 'all', kind: 'root', value: 0, kids: new Map(), parent: null, depth: 0 };
    let folded = 0;
    for (const st of v.stacks) {
      const frames = (st.user || []).slice().reverse().map(n => [n, 'user'])
        .concat((st.kernel || []).slice().reverse().map(n => [n, 'kernel']));
      const fold = st.merged_stacks ? [[OTHER, 'other']] : foldRepeats(frames);
      if (!st.merged_stacks) folded += frames.length - fold.length;
      const path = [[perPid ? st.comm + ' (' + st.pid + ')' : st.comm, 'proc']].concat(fold);
      let node = root;
      root.value += st.value;
      for (const [name, kind] of path) {
        const key = kind + '\u0000' + name;
        let k = node.kids.get(key);
        if (!k) {
          k = { name, kind, value: 0, kids: new Map(), parent: node, depth: node.depth + 1 };
          node.kids.set(key, k);
        }
        k.value += st.value;
        node = k;
      }
    }
    return { root, folded };
  }
  function flame(v) {
    const box = h('div', { class: 'flame-box' });
    const unit = v.unit === 'us' ? 'µs off CPU' : 'samples';
    let perPid = false;
    let { root, folded } = flameTree(v, perPid);
    box.appendChild(h('p', { class: 'note' }, num(v.samples) + ' ' + (v.unit === 'us' ? 'spans' : 'samples') +
      ', ' + num(root.value) + ' ' + unit + '; frames named: ' + (v.frames ? (100 * v.frames_named / v.frames).toFixed(1) + '%' : '—') +
      (v.user_stacks_unwound ? '; user stacks unwound to the process\'s entry: ' +
        (100 * v.user_stacks_whole / v.user_stacks_unwound).toFixed(1) + '% (--call-graph dwarf)' : '') +
      '. Click a frame to zoom, search by regular expression.'));
    if (v.stacks_merged)
      box.appendChild(h('p', { class: 'note' }, 'For the page\'s size, ' + num(v.stacks_merged) +
        ' stacks below ' + v.min_share_percent + '% of the total each (' +
        (100 * v.value_merged / Math.max(1, root.value)).toFixed(1) + '% of it together) are merged ' +
        'into one frame "other" per process: `ebrec report ' + D.file + ' ' + v.view + '` lists them all.'));
    if (!root.value) return box;
    const W = 1200, FH = 17;
    let H = FH;
    const svg = s('svg', { class: 'flame', width: '100%', viewBox: '0 0 ' + W + ' ' + H });
    const scroller = h('div', { class: 'flame-scroll' }, svg);
    const search = h('input', { type: 'search', placeholder: 'search frames (regular expression)' });
    const reset = h('button', null, 'Reset zoom');
    const pidBox = h('input', { type: 'checkbox' });
    const merged = h('span', { class: 'note' });
    function sayMerged() {
      merged.textContent = (perPid ? 'a tower per process' : 'processes merged by command') +
        (folded ? '; ' + num(folded) + ' repeated frames folded (×N)' : '');
    }
    pidBox.addEventListener('change', () => {
      perPid = pidBox.checked;
      ({ root, folded } = flameTree(v, perPid));
      zoom = root;
      sayMerged();
      draw();
    });
    sayMerged();
    const matched = h('span', { class: 'note' });
    const detail = h('div', { class: 'note' }, ' ');
    let zoom = root, re = null;
    function color(n) {
      if (n.kind === 'root' || n.kind === 'proc' || n.kind === 'other') return '#b9bfca';
      let x = 0;
      for (let i = 0; i < n.name.length; i++) x = (x * 31 + n.name.charCodeAt(i)) >>> 0;
      return n.kind === 'kernel' ? 'rgb(230,' + (120 + x % 70) + ',40)' : 'rgb(' + (215 + x % 40) + ',' + (160 + (x >> 8) % 70) + ',60)';
    }
    function ancestors(n) { const a = new Set(); for (let p = n; p; p = p.parent) a.add(p); return a; }
    function matchedShare() {
      let v = 0;
      const walk = n => {
        if (n !== root && re.test(n.name)) { v += n.value; return; }
        for (const k of n.kids.values()) walk(k);
      };
      walk(root);
      return v;
    }
    function draw() {
      svg.textContent = '';
      const anc = ancestors(zoom);
      // zoom and what is above it span the width; below it, frames are as wide as their share;
      // the graph is as tall as its deepest frame wide enough to draw (a third of a pixel)
      const shown = [];
      const place = (n, x, w) => {
        if (w < 0.3) return;
        shown.push([n, x, w]);
        if (n !== zoom && anc.has(n)) {
          for (const k of n.kids.values()) if (anc.has(k)) place(k, 0, W);
          return;
        }
        let cx = x;
        const kids = Array.from(n.kids.values()).sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
        for (const k of kids) {
          const kw = w * k.value / n.value;
          place(k, cx, kw);
          cx += kw;
        }
      };
      place(root, 0, W);
      H = (shown.reduce((d, f) => Math.max(d, f[0].depth), 0) + 1) * FH + 4;
      svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
      for (const [n, x, w] of shown) {
        const y = H - (n.depth + 1) * FH;
        const g = s('g', { class: 'frame' + (re && n !== root && re.test(n.name) ? ' match' : ''), 'data-depth': n.depth });
        g.appendChild(s('title', null, n.name + ' — ' + num(n.value) + ' ' + unit + ' (' + (100 * n.value / root.value).toFixed(2) + '%)'));
        g.appendChild(s('rect', { x: x, y: y, width: w, height: FH - 1, fill: color(n) }));
        const chars = Math.floor((w - 6) / 6.6);
        if (chars >= 3)
          g.appendChild(s('text', { x: x + 3, y: y + 12, 'font-size': 11 },
            n.name.length <= chars ? n.name : n.name.slice(0, chars - 2) + '..'));
        g.addEventListener('click', () => { zoom = n; draw(); });
        g.addEventListener('mouseover', () => { detail.textContent = n.name + ' — ' + num(n.value) + ' ' + unit; });
        svg.appendChild(g);
      }
      // the roots, at the bottom, in sight (once the page is laid out, the first time)
      requestAnimationFrame(() => { scroller.scrollTop = scroller.scrollHeight; });
      matched.textContent = re ? 'matched: ' + (100 * matchedShare() / root.value).toFixed(1) + '%' : '';
      reset.disabled = zoom === root;
    }
    search.addEventListener('input', () => {
      const q = search.value;
      try { re = q ? new RegExp(q) : null; } catch (e) { re = { test: n => n.includes(q) }; }
      draw();
    });
    reset.addEventListener('click', () => { zoom = root; draw(); });
    box.appendChild(h('div', { class: 'controls' }, search, reset,
      h('label', null, pidBox, ' per PID'), matched));
    box.appendChild(merged);
    box.appendChild(scroller);
    box.appendChild(detail);
    draw();
    return box;
  }

  // ---------------------------------------------------------------- views and sections
  function view(v) {
    const box = h('div', { class: 'view', id: PFX + 'view-' + v.view, 'data-view': v.view });
    box.appendChild(h('h3', null, v.view, h('code', null, 'ebrec report ' + D.file + ' ' + v.view)));
    const kind = (VIEWS.get(v.view) || {}).kind;
    if (kind === 'histogram') box.appendChild(histView(v));
    else if (kind === 'profile') box.appendChild(flame(v));
    else if (kind === 'listing' || kind === 'table') box.appendChild(rowsView(v));
    else box.appendChild(h('pre', null, JSON.stringify(v, null, 1)));
    const l = lossLine(v.losses);
    if (l) box.appendChild(l);
    return box;
  }

  // ---------------------------------------------------------------- several hosts
  // a view's count as the hosts' table compares it: a histogram's events (its biggest
  // histogram's, as the headline card), a listing's or a table's rows
  function viewCount(v) {
    if (!v) return null;
    if (v.histograms) return v.histograms.reduce((a, g) => a + (g.total || 0), 0);
    if (v.rows) return v.rows.length + (v.rows_omitted || 0);
    return v.samples !== undefined ? v.samples : null;
  }
  function p99Of(v) {
    const g = v && v.histograms && v.histograms.slice().sort((a, b) => b.total - a.total)[0];
    return g && g.total ? dur(g.percentiles.p99_ns) : '—';
  }
  // The hosts: which is drawn (a selector), how their clocks were aligned, and their headline
  // numbers side by side.
  function hostsSection(sel, onPick) {
    const sec = h('section', { id: 'sec-hosts' }, h('h2', null, DOCS.length + ' hosts'));
    const pick = h('select', { id: 'host-select' });
    DOCS.forEach((d, i) => pick.appendChild(h('option', { value: String(i) }, d.host)));
    pick.appendChild(h('option', { value: 'all' }, 'every host, one after another'));
    pick.value = String(sel);
    pick.addEventListener('change', () => onPick(pick.value === 'all' ? 'all' : +pick.value));
    sec.appendChild(h('p', null, h('label', null, 'Show the sections of ', pick)));
    // clocks: each trace placed on the wall clock by its own pair of clock reads
    const clocks = h('table', { class: 'host-clocks' }, h('tr', null, ...['host', 'recorded from',
      'start after the first host', 'realtime − monotonic', 'aligned within',
      'monotonic clock ahead of the first host\'s'].map(c => h('th', null, c))));
    // the offset between the hosts' monotonic clocks (the difference of their realtime -
    // monotonic offsets, in exact integers from the report: a double has not the digits),
    // known within the sum of their spreads
    const c0 = DOCS[0].clock || {};
    const spreads = [], unaligned = [];
    for (const d of DOCS) {
      const c = d.clock || {};
      if (c.aligned) spreads.push(c.uncertainty_ns); else unaligned.push(d.host);
      clocks.appendChild(h('tr', { 'data-host': d.host }, h('td', { class: 'text' }, d.host),
        h('td', { class: 'text' }, utc(c.start_realtime_ns)),
        h('td', { class: 'num' }, c.start_after_first_s.toFixed(6) + ' s'),
        h('td', { class: 'num' }, c.aligned ? (c.realtime_minus_monotonic_ns / 1e9).toFixed(6) + ' s' : '—'),
        h('td', { class: 'num' }, c.aligned ? dur(c.uncertainty_ns) : 'not aligned'),
        h('td', { class: 'num' }, c.aligned && c0.aligned ? (c.monotonic_ahead_of_first_ns / 1e9)
          .toFixed(9) + ' s ± ' + dur(c.monotonic_ahead_of_first_within_ns) : '—')));
    }
    sec.appendChild(h('h3', null, 'Clocks'));
    sec.appendChild(h('div', { class: 'scroll' }, clocks));
    sec.appendChild(h('p', { class: unaligned.length ? 'note warn' : 'note', id: 'host-alignment' },
      'Each host\'s times are placed on the wall clock by its own trace\'s clock pairs (CLOCK_REALTIME ' +
      'read with CLOCK_MONOTONIC at its start and end): the offset between two hosts is known within ' +
      'the sum of their spreads, here at most ' + dur(spreads.sort((x, y) => y - x).slice(0, 2)
        .reduce((x, y) => x + y, 0)) + ', as far as the hosts\' wall ' +
      'clocks agree (NTP).' + (unaligned.length ? ' Not aligned (no clock pair): ' + unaligned.join(', ') + '.' : '')));
    // the hosts compared: the numbers the headline cards show, a row a host
    const COLS = [['events', d => num((d.losses || {}).emitted || 0)], ['lost', d => num((d.losses || {}).lost || 0)]];
    const present = name => DOCS.some(d => (d.views || []).some(v => v.view === name));
    for (const name of ['biolatency', 'runqlat', 'cpudist'])
      if (present(name)) COLS.push([name + ' p99', d => p99Of((d.views || []).find(v => v.view === name))]);
    for (const name of ['biosnoop', 'execsnoop', 'opensnoop', 'tcplife', 'profile'])
      if (present(name)) COLS.push([name, d => {
        const n = viewCount((d.views || []).find(v => v.view === name));
        return n === null ? '—' : num(n);
      }]);
    const cmp = h('table', { class: 'host-compare' }, h('tr', null, h('th', null, 'host'), ...COLS.map(c => h('th', null, c[0]))));
    for (const d of DOCS)
      cmp.appendChild(h('tr', { 'data-host': d.host }, h('td', { class: 'text' }, d.host),
        ...COLS.map(c => h('td', { class: 'num' }, c[1](d)))));
    sec.appendChild(h('h3', null, 'The hosts compared'));
    sec.appendChild(h('div', { class: 'scroll' }, cmp));
    return sec;
  }

  // the drawn host's sections into body, a link to each into nav
  function hostSections(nav, body) {
    const link = (id, text) => nav.appendChild(h('a', { href: '#' + PFX + id }, text));
    link('sec-summary', 'Headlines');
    link('sec-timeline', 'Timeline');
    link('sec-quality', 'Data quality');
    body.appendChild(overview());
    body.appendChild(timeline());
    body.appendChild(quality());
    // a view of a family the registry does not title still gets a section of its own
    const families = REG.families.slice();
    for (const v of D.views || []) {
      const fam = (VIEWS.get(v.view) || {}).family || 'other';
      if (!families.some(f => f.name === fam)) families.push({ name: fam, title: fam });
    }
    for (const { name: fam, title } of families) {
      const vs = (D.views || []).filter(v => ((VIEWS.get(v.view) || {}).family || 'other') === fam);
      if (!vs.length) continue;
      const sec = h('section', { id: PFX + 'sec-' + fam, class: 'family', 'data-host': D.host || '' }, h('h2', null, title));
      for (const v of vs) sec.appendChild(view(v));
      body.appendChild(sec);
      link('sec-' + fam, title);
    }
    body.appendChild(facts());
    link('sec-host', 'Host');
  }

  // sel: the index of the host drawn, or 'all'
  function main(sel) {
    const app = document.getElementById('app');
    app.textContent = '';
    document.body.removeAttribute('data-ready');
    const nav = h('nav');
    const body = h('main');
    if (DOCS.length > 1) {
      const pick = x => { main(x); window.scrollTo(0, 0); };
      body.appendChild(hostsSection(sel, pick));
      nav.appendChild(h('a', { href: '#sec-hosts' }, 'Hosts'));
    }
    if (sel === 'all') {
      app.appendChild(h('header', null, h('h1', null, 'ebrec report: ' + DOCS.length + ' hosts'),
        h('div', { class: 'sub' }, 'every host\'s sections, one host after another')));
      DOCS.forEach((d, i) => {
        use(i, 'h' + i + '-');
        body.appendChild(header('host ' + d.host));
        hostSections(h('nav'), body);
        nav.appendChild(h('a', { href: '#' + PFX + 'top' }, d.host));
      });
    } else {
      use(sel, '');
      app.appendChild(header(DOCS.length > 1 ? 'ebrec report: host ' + D.host : 'ebrec report'));
      hostSections(nav, body);
    }
    app.appendChild(nav);
    app.appendChild(body);
    document.body.setAttribute('data-host', sel === 'all' ? '' : D.host || '');
    document.body.setAttribute('data-ready', '1');
  }
  main(0);
})();
