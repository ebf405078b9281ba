// Discovery operator page.
//
// Polls GET /api/overview once a second (one request at a time), keeps the last good snapshot on
// screen when the silo does not answer, and draws every node as one cell of a single <canvas>:
// with 10,000+ nodes, one DOM element per node would make the page crawl.
//
// Test hooks (kept up to date after every draw):
//   canvas#nodes[data-nodes|data-partitions|data-overloaded] (cells drawn, partitions drawn, cells
//   drawn red as overloaded), body[data-ready="true"] after the first draw,
//   window.discoveryStats = { draws, drawMs: [...last 200], lastOverviewAt }.
'use strict';

(() => {
  const POLL_MS = 1000;
  const FETCH_TIMEOUT_MS = 5000; // a hung request must not stop the polling loop for ever

  // Node state bit flags, as sent by the silo.
  const OVERLOADED = 1, MAINTENANCE = 2, DOWN = 4, UNREACHABLE = 8, RESERVED = 16;

  // Canvas geometry, in CSS pixels.
  const PAD = 2;          // left/right margin so outlines of edge cells are not clipped
  const LABEL_H = 18;     // height of a site label line
  const SITE_GAP = 8;     // space below the last row of a site
  const MAX_CELL = 22;
  const MIN_CELL = 3;

  // ---- colours ----------------------------------------------------------------------------------

  // CPU ramp, precomputed once: cells are bucketed by their ramp step so that each colour is set
  // once per draw and no colour string is built per cell. Keep in sync with .legend .ramp in app.css.
  const RAMP_STEPS = 21; // 5 % steps from 0 to 100 %
  const RAMP_STOPS = [[0, [34, 110, 62]], [0.5, [74, 170, 76]], [0.8, [226, 204, 52]], [1, [246, 138, 36]]];
  const RAMP = Array.from({ length: RAMP_STEPS }, (_, i) => rampColour(i / (RAMP_STEPS - 1)));
  const B_OVER = RAMP_STEPS, B_UNREACH = RAMP_STEPS + 1, B_DOWN = RAMP_STEPS + 2;
  const FILLS = [...RAMP, '#ff2a2a', '#7d838d', '#3a3f47'];
  const CROSS = '#c4c9d1';
  const MAINT = '#4da3ff';
  const RESERVED_UNKNOWN = '#e6edf3'; // reserved, but its partition is not in the list (yet)
  const LABEL = '#8a94a3';

  // Partition outline colours: bright, and away from the green→orange→red of the cells.
  // Ordered so that neighbouring slots differ most (the hash picks a slot, collisions probe on).
  const PALETTE = ['#00e5ff', '#ff3df2', '#ffffff', '#8f7bff', '#5effd0', '#ff8fb8', '#3d7bff', '#e0c3ff'];

  function rampColour(t) {
    let k = 1;
    while (k < RAMP_STOPS.length - 1 && t > RAMP_STOPS[k][0]) k++;
    const [t0, c0] = RAMP_STOPS[k - 1], [t1, c1] = RAMP_STOPS[k];
    const f = (t - t0) / (t1 - t0);
    const c = c0.map((v, j) => Math.round(v + (c1[j] - v) * f));
    return `rgb(${c[0]},${c[1]},${c[2]})`;
  }

  // FNV-1a: a stable hash of a partition id, so a partition keeps its colour from poll to poll.
  function hash(text) {
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    return h >>> 0;
  }

  // id -> colour for partitions in progress. The hash picks the preferred palette slot; a slot taken
  // by another live partition is skipped, so partitions drawn together never share a colour (while
  // the palette lasts).
  const partitionColours = new Map();
  function assignPartitionColours(partitions) {
    const live = new Set(partitions.map(p => p.id));
    for (const id of [...partitionColours.keys()]) if (!live.has(id)) partitionColours.delete(id);
    const used = new Set(partitionColours.values());
    for (const p of partitions) {
      if (partitionColours.has(p.id)) continue;
      const h = hash(String(p.id));
      let colour = null;
      for (let k = 0; k < PALETTE.length && !colour; k++) {
        const c = PALETTE[(h + k) % PALETTE.length];
        if (!used.has(c)) colour = c;
      }
      colour = colour || `hsl(${h % 360} 90% 70%)`;
      used.add(colour);
      partitionColours.set(p.id, colour);
    }
  }
  const partitionColour = id => partitionColours.get(id) || '#ffffff';

  // ---- state --------------------------------------------------------------------------------------

  const $ = id => document.getElementById(id);
  const canvas = $('nodes'), box = $('canvas-box'), tooltip = $('tooltip'), banner = $('banner');
  const ctx = canvas.getContext('2d');

  let data = null;            // last good overview
  let lastOkAt = null;        // Date of the last good answer, for the banner
  let layout = null;          // geometry of the last draw, for hit testing
  let frameRequested = false;
  let hover = null;           // { x, y, clientX, clientY } of the mouse over the canvas
  let hatch = null, hatchDpr = 0;
  let boxWidth = -1;          // width of the canvas box in CSS pixels, kept by a ResizeObserver
  const signatures = {};      // panel -> JSON of what it shows, to skip rebuilding unchanged lists

  const stats = window.discoveryStats = { draws: 0, drawMs: [], lastOverviewAt: null };

  // ---- token ----------------------------------------------------------------------------------------

  // A token given in the address's fragment (/#token=...: never sent to the server nor logged) is kept for this tab.
  const TOKEN_KEY = 'discovery.token';
  if (location.hash.startsWith('#token=')) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(location.hash.slice('#token='.length)));
    history.replaceState(null, '', location.pathname + location.search);
  }
  function authHeaders() {
    const token = sessionStorage.getItem(TOKEN_KEY);
    return token ? { Authorization: `Bearer ${token}` } : {};
  }
  function askForToken(status) {
    const form = $('signin');
    $('signin-why').textContent = status === 403
      ? 'This token may not read the cluster: give an operator or reader token.'
      : (sessionStorage.getItem(TOKEN_KEY) ? 'The silo refused this token (expired, or from another cluster).' : 'This page needs an operator or reader token.');
    form.hidden = false;
  }
  $('signin').addEventListener('submit', (e) => {
    e.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $('signin-token').value.trim());
    $('signin-token').value = '';
    $('signin').hidden = true;
  });

  // ---- polling ------------------------------------------------------------------------------------

  // The next request is scheduled only once the previous one has finished: never two in flight.
  async function poll() {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), FETCH_TIMEOUT_MS);
    let next = null;
    try {
      const res = await fetch('/api/overview', { cache: 'no-store', signal: abort.signal, headers: { Accept: 'application/json', ...authHeaders() } });
      if (res.status === 401 || res.status === 403) askForToken(res.status);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      next = await res.json();
    } catch (err) {
      showBanner(err);
    } finally {
      clearTimeout(timer);
    }
    if (next) {
      lastOkAt = new Date();
      banner.hidden = true;
      data = next;
      try {
        renderPanels(next);
      } catch (err) {
        console.error('overview render failed', err); // a bad field must not stop the polling
      }
      requestDraw();
    }
    setTimeout(poll, POLL_MS);
  }

  function showBanner(err) {
    const since = lastOkAt ? ` (last data ${lastOkAt.toLocaleTimeString()})` : '';
    banner.textContent = `Connection lost — retrying…${since}`;
    banner.title = String(err && err.message || err);
    banner.hidden = false;
  }

  // ---- side panels (small DOM, rebuilt only when their content changes) ---------------------------

  function renderPanels(d) {
    $('site').textContent = d.site ?? '?';
    $('silo').textContent = d.silo ?? '?';
    $('at').textContent = formatInstant(d.at);
    $('simulated').hidden = !d.simulated;
    document.title = `Discovery — ${d.site ?? '?'}`;

    const c = d.counters || {};
    setText('counter-detected', integer(c.detected));
    setText('counter-solved', integer(c.solved));
    setText('counter-given-up', integer(c.givenUp));
    setText('counter-vanished', integer(c.vanished));
    setText('counter-in-progress', integer(c.inProgress));
    setText('counter-migrations', integer(c.migrations));
    const v = c.violationSeconds;
    setText('counter-violation', v == null ? '—' : Number(v).toFixed(1));
    setText('violation-human', v == null ? (d.simulated ? '' : 'not simulated') : humanDuration(Number(v)));

    const partitions = d.partitions || [];
    assignPartitionColours(partitions);
    renderIfChanged('partitions', partitions, () => renderPartitions(partitions));
    renderIfChanged('ves', d.ves, () => renderVes(d.ves || {}));
    renderIfChanged('events', d.events, () => renderEvents(d.events || []));
  }

  function renderIfChanged(key, value, render) {
    const sig = JSON.stringify(value ?? null);
    if (signatures[key] === sig) return;
    signatures[key] = sig;
    render();
  }

  function renderPartitions(partitions) {
    const list = $('partitions');
    if (partitions.length === 0) {
      list.replaceChildren(el('li', 'empty', 'none'));
      return;
    }
    list.replaceChildren(...partitions.map(p => {
      const nodes = p.nodes || [];
      const swatch = el('span', 'swatch');
      swatch.style.background = partitionColour(p.id);
      const desc = el('span', 'desc',
        `leader ${p.leader} · ${nodes.length} node${nodes.length === 1 ? '' : 's'}: ${truncateList(nodes, 6)}`);
      desc.append(el('span', 'pid', String(p.id)));
      const li = el('li', null, swatch, desc);
      li.dataset.partition = p.id;
      return li;
    }));
  }

  const VE_STATE_ORDER = ['Running', 'Pending', 'Failed', 'Suspended', 'Stopped', 'Deleted'];

  function renderVes(ves) {
    const states = Object.entries(ves.states || {}).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
    $('ves-total').textContent = `${integer(ves.total ?? 0)} total`;
    $('ve-states').replaceChildren(...states.map(([state, n]) => el('span', `chip st-${state}`, state, el('b', null, integer(n)))));

    const list = ves.list || [];
    const rows = list.map(({ ve, state }) => el('tr', null, el('td', null, ve), el('td', `st-${state}`, state)));
    if (rows.length === 0) {
      const none = el('td', 'empty', 'none');
      none.colSpan = 2;
      rows.push(el('tr', null, none));
    }
    $('ves').tBodies[0].replaceChildren(...rows);

    const more = (ves.total ?? list.length) - list.length;
    $('ves-more').hidden = more <= 0;
    $('ves-more').textContent = `and ${more} more`;

    function rank(state) {
      const i = VE_STATE_ORDER.indexOf(state);
      return i < 0 ? VE_STATE_ORDER.length : i;
    }
  }

  function renderEvents(events) {
    const list = $('events');
    if (events.length === 0) {
      list.replaceChildren(el('li', 'empty', 'no events yet'));
      return;
    }
    list.replaceChildren(...events.map(e => {
      // The text usually starts with its own "HH:MM:SS.fff" stamp: show it in the time column
      // (it has the milliseconds) rather than twice.
      let text = String(e.text ?? '');
      let time = /T(\d{2}:\d{2}:\d{2})/.exec(e.at || '')?.[1] ?? '';
      const stamp = /^(\d{2}:\d{2}:\d{2}(?:\.\d+)?)\s+/.exec(text);
      if (stamp) { time = stamp[1]; text = text.slice(stamp[0].length); }
      const t = el('time', null, time);
      if (e.at) t.dateTime = e.at;
      const type = e.type === 've' ? 've' : 'partition';
      return el('li', type, t, el('span', 'kind', type === 've' ? 'VE' : 'partition'), el('span', 'text', text));
    }));
  }

  // ---- canvas -------------------------------------------------------------------------------------

  // At most one draw per animation frame, however many polls or resizes asked for one.
  function requestDraw() {
    if (frameRequested) return;
    frameRequested = true;
    requestAnimationFrame(() => {
      frameRequested = false;
      if (data) draw(data);
    });
  }

  // Geometry: nodes grouped by site (in name order inside a site), each site a label then wrapped
  // rows of square cells. The cell size is the largest one that keeps the whole picture within a
  // comfortable height; past the minimum size the canvas simply grows (and the page scrolls).
  function computeLayout(d, width) {
    const nodes = d.nodes || {};
    const names = nodes.name || [], siteOf = nodes.site || [];
    const n = names.length;
    const siteNames = (d.sites || []).slice();
    const unknown = siteNames.length; // nodes whose site index is out of range end up in "?"

    // Counting sort by site: stable, so name order is kept inside each site.
    const counts = new Int32Array(unknown + 1);
    const siteIdx = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const s = siteOf[i];
      siteIdx[i] = s >= 0 && s < unknown ? s : unknown;
      counts[siteIdx[i]]++;
    }
    const starts = new Int32Array(unknown + 2);
    for (let s = 0; s <= unknown; s++) starts[s + 1] = starts[s] + counts[s];
    const order = new Int32Array(n), fill = starts.slice(0, unknown + 1);
    for (let i = 0; i < n; i++) order[fill[siteIdx[i]]++] = i;
    if (counts[unknown] > 0) siteNames.push('?');
    const siteTotal = siteNames.length;

    const inner = Math.max(10, width - 2 * PAD);
    const measure = cell => {
      const gap = cell >= 12 ? 2 : 1;
      const pitch = cell + gap;
      const perRow = Math.max(1, Math.floor((inner + gap) / pitch));
      let height = 0;
      for (let s = 0; s < siteTotal; s++) height += LABEL_H + Math.ceil(counts[s] / perRow) * pitch + SITE_GAP;
      return { cell, gap, pitch, perRow, height: Math.max(height, LABEL_H) + PAD };
    };
    const target = Math.max(260, Math.min(1000, window.innerHeight - 150));
    let g = measure(MIN_CELL);
    for (let cell = MAX_CELL; cell > MIN_CELL; cell--) {
      const m = measure(cell);
      if (m.height <= target) { g = m; break; }
    }

    // Cell positions and per-site blocks (the blocks are what the hit test walks).
    const px = new Float32Array(n), py = new Float32Array(n);
    const blocks = [];
    let y = PAD;
    for (let s = 0; s < siteTotal; s++) {
      const count = counts[s], start = starts[s];
      const cellsTop = y + LABEL_H;
      const rows = Math.ceil(count / g.perRow);
      for (let k = 0; k < count; k++) {
        const i = order[start + k];
        px[i] = PAD + (k % g.perRow) * g.pitch;
        py[i] = cellsTop + Math.floor(k / g.perRow) * g.pitch;
      }
      blocks.push({ site: siteNames[s], labelTop: y, cellsTop, rows, start, count });
      y = cellsTop + rows * g.pitch + SITE_GAP;
    }
    return { ...g, width, px, py, order, blocks, n };
  }

  function draw(d) {
    const t0 = performance.now();
    const nodes = d.nodes || {};
    const cpu = nodes.cpu || [], state = nodes.state || [], part = nodes.partition || [], names = nodes.name || [];
    const partitions = d.partitions || [];
    // The width comes from the ResizeObserver: reading clientWidth here would force a reflow of
    // the panels just rebuilt, and charge it to the canvas draw.
    const width = Math.max(50, boxWidth >= 0 ? boxWidth : box.clientWidth);
    const dpr = window.devicePixelRatio || 1;
    const L = computeLayout(d, width);
    const { n, px, py, cell, gap } = L;

    // Backing store in device pixels for crisp cells; drawing code works in CSS pixels.
    const bw = Math.round(width * dpr), bh = Math.round(L.height * dpr);
    if (canvas.width !== bw || canvas.height !== bh) {
      canvas.width = bw;
      canvas.height = bh;
      canvas.style.height = `${L.height}px`;
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, L.height);

    // 1. Bucket every cell by fill (counting sort), counting the marks on the way. Precedence:
    //    down > unreachable > overloaded (flag 1 or CPU > 1) > CPU ramp.
    const NB = FILLS.length;
    const bucket = new Uint8Array(n), bucketCount = new Int32Array(NB);
    let maintenance = 0, down = 0, reservedUnknown = 0;
    for (let i = 0; i < n; i++) {
      const s = state[i] | 0, c = +cpu[i] || 0;
      const b = s & DOWN ? B_DOWN
        : s & UNREACHABLE ? B_UNREACH
        : (s & OVERLOADED) || c > 1 ? B_OVER
        : Math.round((c < 0 ? 0 : c) * (RAMP_STEPS - 1));
      bucket[i] = b;
      bucketCount[b]++;
      if ((s & MAINTENANCE) && !(s & DOWN)) maintenance++;
      if (s & DOWN) down++;
    }
    const bucketStart = new Int32Array(NB + 1);
    for (let b = 0; b < NB; b++) bucketStart[b + 1] = bucketStart[b] + bucketCount[b];
    const byBucket = new Int32Array(n), cursor = bucketStart.slice(0, NB);
    for (let i = 0; i < n; i++) byBucket[cursor[bucket[i]]++] = i;

    // 2. Site labels, with a per-site summary.
    ctx.font = '600 12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = LABEL;
    for (const blk of L.blocks) {
      let over = 0;
      for (let k = 0; k < blk.count; k++) if (bucket[L.order[blk.start + k]] === B_OVER) over++;
      const extra = over ? ` · ${over} overloaded` : '';
      ctx.fillText(`${blk.site} — ${blk.count} node${blk.count === 1 ? '' : 's'}${extra}`, PAD, blk.labelTop + LABEL_H / 2 - 1);
    }

    // 3. Fills, one path per colour.
    for (let b = 0; b < NB; b++) {
      if (bucketCount[b] === 0) continue;
      ctx.fillStyle = FILLS[b];
      ctx.beginPath();
      for (let k = bucketStart[b]; k < bucketStart[b + 1]; k++) {
        const i = byBucket[k];
        ctx.rect(px[i], py[i], cell, cell);
      }
      ctx.fill();
    }

    // Overloaded cells get a red halo in the gap when cells are tiny, so they still jump out of
    // 10,000 cells of yellow and orange.
    if (cell < 10 && bucketCount[B_OVER] > 0) {
      ctx.strokeStyle = FILLS[B_OVER];
      ctx.lineWidth = gap;
      ctx.beginPath();
      for (let k = bucketStart[B_OVER]; k < bucketStart[B_OVER + 1]; k++) {
        const i = byBucket[k];
        ctx.rect(px[i] - gap / 2, py[i] - gap / 2, cell + gap, cell + gap);
      }
      ctx.stroke();
    }

    // 4. Maintenance: blue diagonal hatch over the load colour, plus a blue frame on tiny cells
    //    (where 3 px of hatch would be indistinguishable from noise).
    if (maintenance > 0) {
      ctx.fillStyle = hatchPattern(dpr);
      ctx.beginPath();
      for (let i = 0; i < n; i++) if ((state[i] & MAINTENANCE) && !(state[i] & DOWN)) ctx.rect(px[i], py[i], cell, cell);
      ctx.fill();
      if (cell < 8) {
        ctx.strokeStyle = MAINT;
        ctx.lineWidth = 1;
        ctx.stroke();
      }
    }

    // 5. Down: a cross over the dark grey fill.
    if (down > 0) {
      const m = Math.max(0.5, cell * 0.18);
      ctx.strokeStyle = CROSS;
      ctx.lineWidth = Math.max(1, cell / 8);
      ctx.beginPath();
      for (let i = 0; i < n; i++) {
        if (!(state[i] & DOWN)) continue;
        const x = px[i], y = py[i];
        ctx.moveTo(x + m, y + m); ctx.lineTo(x + cell - m, y + cell - m);
        ctx.moveTo(x + cell - m, y + m); ctx.lineTo(x + m, y + cell - m);
      }
      ctx.stroke();
    }

    // 6. Partitions: membership from nodes.partition, completed by each partition's node list.
    const member = new Int32Array(n).fill(-1);
    for (let i = 0; i < n; i++) {
      const p = part[i];
      if (p >= 0 && p < partitions.length) member[i] = p;
    }
    const leaders = new Int32Array(partitions.length).fill(-1);
    partitions.forEach((p, pi) => {
      for (const name of p.nodes || []) {
        const i = indexOfName(names, name);
        if (i >= 0) member[i] = pi;
      }
      leaders[pi] = indexOfName(names, p.leader);
    });
    const membersOf = partitions.map(() => []);
    for (let i = 0; i < n; i++) {
      if (member[i] >= 0) membersOf[member[i]].push(i);
      else if (state[i] & RESERVED) reservedUnknown++;
    }

    const outline = Math.max(1, gap);        // the outline sits in the gap around the cell
    const strokeCell = (i, w) => ctx.rect(px[i] - w / 2, py[i] - w / 2, cell + w, cell + w);

    if (reservedUnknown > 0) {
      ctx.strokeStyle = RESERVED_UNKNOWN;
      ctx.lineWidth = outline;
      ctx.beginPath();
      for (let i = 0; i < n; i++) if (member[i] < 0 && (state[i] & RESERVED)) strokeCell(i, outline);
      ctx.stroke();
    }

    let partitionsDrawn = 0;
    partitions.forEach((p, pi) => {
      const members = membersOf[pi];
      const leader = leaders[pi];
      if (members.length === 0 && leader < 0) return;
      partitionsDrawn++;
      ctx.strokeStyle = ctx.fillStyle = partitionColour(p.id);
      ctx.lineWidth = outline;
      ctx.beginPath();
      for (const i of members) if (i !== leader) strokeCell(i, outline);
      ctx.stroke();
      if (leader >= 0) {
        // Leader: thicker outline and a dot (ringed in black so it shows on any fill).
        const w = outline + Math.max(1.5, cell / 6);
        ctx.lineWidth = w;
        ctx.beginPath();
        strokeCell(leader, w);
        ctx.stroke();
        ctx.beginPath();
        ctx.arc(px[leader] + cell / 2, py[leader] + cell / 2, Math.max(1, cell * 0.22), 0, 2 * Math.PI);
        ctx.fill();
        if (cell >= 8) { ctx.lineWidth = 1; ctx.strokeStyle = '#000'; ctx.stroke(); }
      }
    });

    // 7. Publish render state for tests and frame-time measurement.
    layout = L;
    const overloaded = bucketCount[B_OVER];
    canvas.dataset.nodes = String(n);
    canvas.dataset.partitions = String(partitionsDrawn);
    canvas.dataset.overloaded = String(overloaded);
    $('infra-summary').textContent =
      `${n} nodes · ${L.blocks.length} site${L.blocks.length === 1 ? '' : 's'} · ${overloaded} overloaded · ${down} down · ${maintenance} in maintenance`;

    const ms = performance.now() - t0;
    stats.draws++;
    stats.drawMs.push(Math.round(ms * 1000) / 1000);
    if (stats.drawMs.length > 200) stats.drawMs.splice(0, stats.drawMs.length - 200);
    stats.lastOverviewAt = d.at ?? null;
    document.body.dataset.ready = 'true';

    if (hover) updateTooltip();
  }

  // Blue diagonal stripes, built at device resolution so they stay sharp.
  function hatchPattern(dpr) {
    if (hatch && hatchDpr === dpr) return hatch;
    const size = Math.max(1, Math.round(4 * dpr));
    const tile = document.createElement('canvas');
    tile.width = tile.height = size;
    const t = tile.getContext('2d');
    t.strokeStyle = MAINT;
    t.lineWidth = 1.4 * dpr;
    t.beginPath();
    // Three segments so the stripe continues seamlessly across tile borders.
    for (const o of [-size, 0, size]) { t.moveTo(o, size); t.lineTo(o + size, 0); }
    t.stroke();
    hatch = ctx.createPattern(tile, 'repeat');
    hatch.setTransform(new DOMMatrix().scale(1 / dpr));
    hatchDpr = dpr;
    return hatch;
  }

  // Name -> index, rebuilt once per overview (each poll brings a new array): a node replaced in the middle of
  // the list must not leave partitions pointing at the wrong cells. 10,240 inserts cost about a millisecond.
  let nameIndex = new Map(), nameIndexOf = null;
  function indexOfName(names, name) {
    if (names !== nameIndexOf) {
      nameIndex = new Map();
      for (let i = 0; i < names.length; i++) nameIndex.set(names[i], i);
      nameIndexOf = names;
    }
    return nameIndex.has(name) ? nameIndex.get(name) : -1;
  }

  // ---- hover tooltip ------------------------------------------------------------------------------

  // Cell index lookup from the mouse position: find the site block by y, then row and column.
  function hitTest(x, y) {
    const L = layout;
    if (!L) return -1;
    const col = Math.floor((x - PAD) / L.pitch);
    if (col < 0 || col >= L.perRow) return -1;
    for (const blk of L.blocks) {
      if (y < blk.cellsTop || y >= blk.cellsTop + blk.rows * L.pitch) continue;
      const k = Math.floor((y - blk.cellsTop) / L.pitch) * L.perRow + col;
      return k < blk.count ? L.order[blk.start + k] : -1;
    }
    return -1;
  }

  function updateTooltip() {
    const i = data && hover ? hitTest(hover.x, hover.y) : -1;
    if (i < 0) { tooltip.hidden = true; return; }
    const nodes = data.nodes, s = (nodes.state || [])[i] | 0, p = nodes.partition ? nodes.partition[i] : -1;
    const partition = p >= 0 ? (data.partitions || [])[p] : null;
    const words = [];
    if (s & OVERLOADED) words.push('overloaded');
    if (s & MAINTENANCE) words.push('maintenance');
    if (s & DOWN) words.push('down');
    if (s & UNREACHABLE) words.push('unreachable');
    if (s & RESERVED) words.push('reserved');
    const rows = [
      ['site', (data.sites || [])[(nodes.site || [])[i]] ?? '?'],
      ['CPU', percent((nodes.cpu || [])[i])],
      ['memory', percent(nodes.memory ? nodes.memory[i] : null)],
      ['VMs', integer(nodes.vms ? nodes.vms[i] : null)],
      ['state', words.length ? words.join(', ') : 'ok'],
    ];
    if (partition) rows.push(['partition', partition.leader === nodes.name[i] ? `${partition.id} (leader)` : String(partition.id)]);
    tooltip.replaceChildren(
      el('b', null, nodes.name[i]),
      el('table', null, ...rows.map(([k, v]) => el('tr', null, el('td', null, k), el('td', null, v)))));
    tooltip.hidden = false;

    // Below-right of the pointer, flipped when it would leave the window.
    const r = tooltip.getBoundingClientRect();
    let left = hover.clientX + 14, top = hover.clientY + 14;
    if (left + r.width > window.innerWidth - 4) left = hover.clientX - r.width - 14;
    if (top + r.height > window.innerHeight - 4) top = hover.clientY - r.height - 14;
    tooltip.style.left = `${Math.max(4, left)}px`;
    tooltip.style.top = `${Math.max(4, top)}px`;
  }

  canvas.addEventListener('mousemove', e => {
    const r = canvas.getBoundingClientRect();
    hover = { x: e.clientX - r.left, y: e.clientY - r.top, clientX: e.clientX, clientY: e.clientY };
    updateTooltip();
  });
  canvas.addEventListener('mouseleave', () => { hover = null; tooltip.hidden = true; });

  // ---- resize -------------------------------------------------------------------------------------

  // Debounced; the ResizeObserver also catches width changes that are not window resizes
  // (a scrollbar appearing, the side column reflowing). Height changes are ours: ignored.
  let resizeTimer = 0;
  const onResize = () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(requestDraw, 120);
  };
  window.addEventListener('resize', onResize); // also catches devicePixelRatio changes (zoom)
  new ResizeObserver(entries => {
    const width = Math.floor(entries[entries.length - 1].contentRect.width);
    if (width === boxWidth) return;
    const first = boxWidth < 0;
    boxWidth = width;
    if (first) requestDraw(); else onResize();
  }).observe(box);

  // ---- helpers ------------------------------------------------------------------------------------

  // el('li', 'class', 'text', childNode, ...): small DOM builder; strings become text nodes (no HTML).
  function el(tag, className, ...children) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    node.append(...children.map(c => (c instanceof Node ? c : String(c ?? ''))));
    return node;
  }

  function setText(id, text) {
    const node = $(id);
    if (node.textContent !== text) node.textContent = text;
  }

  // Plain integers (no thousands separators) so tests can parse them.
  const integer = v => (v == null || !Number.isFinite(Number(v)) ? '—' : String(Math.round(Number(v))));
  const percent = v => (v == null || !Number.isFinite(Number(v)) ? '—' : `${(Number(v) * 100).toFixed(1)} %`);

  function truncateList(items, max) {
    if (items.length <= max) return items.join(', ');
    return `${items.slice(0, max).join(', ')} … +${items.length - max}`;
  }

  // "2026-11-28T15:00:00.123+00:00" -> "2026-11-28 15:00:00 +00:00": infrastructure time as sent,
  // not converted to the browser's zone.
  function formatInstant(at) {
    const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?$/.exec(at || '');
    return m ? `${m[1]} ${m[2]}${m[3] ? ` ${m[3] === 'Z' ? 'UTC' : m[3]}` : ''}` : String(at ?? '…');
  }

  function humanDuration(seconds) {
    if (!Number.isFinite(seconds) || seconds < 60) return '';
    const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = Math.floor(seconds % 60);
    return h > 0 ? `≈ ${h} h ${String(m).padStart(2, '0')} min` : `≈ ${m} min ${String(s).padStart(2, '0')} s`;
  }

  poll();
})();
