// The script of `profile --svg` / `offcputime --svg` (report/flamegraph.c writes the SVG):
// the frames are drawn by the C side; this lays them out again on zoom, shows a frame's name
// on hover and highlights the frames a search matches, with their share. Frames' names come
// from the traced system: they are only ever read as textContent.
var W, PAD, frames, details, matchedText, zoomed = null, searchRe = null;
function init(evt) {
  var svg = document.documentElement;
  W = parseFloat(svg.getAttribute('data-w'));
  PAD = parseFloat(svg.getAttribute('data-pad'));
  frames = Array.prototype.slice.call(document.querySelectorAll('g.f'));
  details = document.getElementById('details');
  matchedText = document.getElementById('matched');
  frames.forEach(function (g) {
    g.addEventListener('mouseover', function () { details.textContent = g.querySelector('title').textContent; });
    g.addEventListener('mouseout', function () { details.textContent = ' '; });
    g.addEventListener('click', function () { zoom(g); });
  });
  layout(0, 1, 0);
}
function fname(g) { var t = g.querySelector('title').textContent; return t.substring(0, t.lastIndexOf(' (')); }
function num(g, a) { return parseFloat(g.getAttribute(a)); }
function label(g, px) {
  var n = fname(g), fit = Math.floor((px - 6) / 7), t = g.querySelector('text');
  t.textContent = fit < 3 ? '' : (n.length <= fit ? n : n.substring(0, fit - 2) + '..');
}
function layout(x0, w0, d0) {
  frames.forEach(function (g) {
    var x = num(g, 'data-x'), w = num(g, 'data-w'), d = num(g, 'data-d');
    var r = g.querySelector('rect'), t = g.querySelector('text');
    var inside = x >= x0 - 1e-12 && x + w <= x0 + w0 + 1e-12;
    var above = d < d0 && x <= x0 + 1e-12 && x + w >= x0 + w0 - 1e-12;
    if (!(inside && d >= d0) && !above) { g.style.display = 'none'; return; }
    g.style.display = '';
    var nx = above ? 0 : (x - x0) / w0, nw = above ? 1 : w / w0;
    var px = nx * W + PAD, pw = nw * W;
    r.setAttribute('x', px); r.setAttribute('width', Math.max(pw - 0.5, 0.1));
    r.style.opacity = above ? 0.5 : 1;
    t.setAttribute('x', px + 3); label(g, pw);
  });
}
function zoom(g) {
  zoomed = g;
  layout(num(g, 'data-x'), num(g, 'data-w'), num(g, 'data-d'));
  document.getElementById('unzoom').style.opacity = 1;
}
function unzoom() {
  zoomed = null; layout(0, 1, 0);
  document.getElementById('unzoom').style.opacity = 0;
}
function search(re) {
  var total = num(frames[0], 'data-v'), hits = [];
  frames.forEach(function (g) {
    var r = g.querySelector('rect');
    if (!r.hasAttribute('data-fill')) r.setAttribute('data-fill', r.getAttribute('fill'));
    var m = re !== null && re.test(fname(g));
    r.setAttribute('fill', m ? 'rgb(230,0,230)' : r.getAttribute('data-fill'));
    if (m) hits.push(g);
  });
  hits.sort(function (a, b) { return num(a, 'data-x') - num(b, 'data-x') || num(a, 'data-d') - num(b, 'data-d'); });
  var sum = 0, end = -1;
  hits.forEach(function (g) {
    var x = num(g, 'data-x');
    if (x >= end - 1e-12) { sum += num(g, 'data-v'); end = x + num(g, 'data-w'); }
  });
  matchedText.textContent = re === null ? ' ' : 'Matched: ' + (total ? (100 * sum / total).toFixed(2) : '0') + '%';
}
function search_prompt() {
  var s = prompt('Search for (regular expression); empty to clear', searchRe || '');
  if (s === null) return;
  searchRe = s || null;
  try { search(s ? new RegExp(s) : null); } catch (e) { alert('not a regular expression: ' + e.message); }
}
