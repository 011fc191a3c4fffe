// Search page of the distribution stack. It sends Elasticsearch query DSL to
// the proxy's /search (which forwards to /registry-events/_search only).
// The queries stay within what the offline Elasticsearch stand-in
// implements: match_all, bool.filter, term, prefix and wildcard on keyword
// fields, sort on timestamp, size. Keep offline/es-standin's
// TestSearchAsThePageDoes in step when changing them.
'use strict';

const PAGE_SIZE = 100;

// Relative to the page, but built from the origin: a page opened as
// https://user:password@host/ keeps the credentials in location.href, and
// fetch refuses URLs with credentials in them.
const SEARCH_URL = new URL('search', window.location.origin + window.location.pathname).href;

// Wildcard patterns treat * ? and \ specially: a user's text is literal.
function escapeWildcard(s) {
  return s.replace(/[\\*?]/g, (c) => '\\' + c);
}

function buildQuery(f) {
  const filter = [];
  if (f.repository) {
    filter.push({ wildcard: { 'target.repository': { value: '*' + escapeWildcard(f.repository) + '*' } } });
  }
  if (f.tag) filter.push({ term: { 'target.tag': f.tag } });
  if (f.action) filter.push({ term: { action: f.action } });
  if (f.digest) {
    const d = f.digest.includes(':') ? f.digest : 'sha256:' + f.digest;
    filter.push({ prefix: { 'target.digest': d } });
  }
  if (f.user) filter.push({ term: { 'actor.name': f.user } });
  if (f.addr) filter.push({ prefix: { 'request.addr': f.addr } });
  return {
    query: filter.length ? { bool: { filter } } : { match_all: {} },
    sort: [{ timestamp: { order: 'desc' } }],
    size: PAGE_SIZE,
  };
}

function formValues(form) {
  const out = {};
  for (const [k, v] of new FormData(form).entries()) {
    const s = String(v).trim();
    if (s) out[k] = s;
  }
  return out;
}

async function search(fields) {
  const resp = await fetch(SEARCH_URL, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(buildQuery(fields)),
    credentials: 'same-origin',
  });
  const text = await resp.text();
  let body = null;
  try { body = JSON.parse(text); } catch (e) { /* not JSON: an error page */ }
  if (resp.status === 404 && body && body.error && body.error.type === 'index_not_found_exception') {
    return { total: 0, hits: [] };
  }
  if (!resp.ok || !body || !body.hits) {
    const reason = body && body.error ? (body.error.reason || body.error.type || JSON.stringify(body.error)) : text.slice(0, 200);
    throw new Error('search failed (' + resp.status + '): ' + reason);
  }
  const total = typeof body.hits.total === 'object' ? body.hits.total.value : body.hits.total;
  return { total, hits: body.hits.hits };
}

function cell(row, text, title) {
  const td = document.createElement('td');
  td.textContent = text || '';
  if (title) td.title = title;
  row.appendChild(td);
  return td;
}

function shortDigest(d) {
  if (!d) return '';
  const [algo, hex] = d.split(':');
  return hex ? algo + ':' + hex.slice(0, 12) : d;
}

function formatTime(ts) {
  const t = new Date(ts);
  return isNaN(t) ? ts : t.toLocaleString();
}

function showDetail(hit) {
  document.getElementById('detail-id').textContent = hit._id;
  document.getElementById('detail-json').textContent = JSON.stringify(hit._source, null, 2);
  const detail = document.getElementById('detail');
  detail.hidden = false;
  detail.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
}

function render(result) {
  const tbody = document.querySelector('#results tbody');
  tbody.replaceChildren();
  for (const hit of result.hits) {
    const ev = hit._source || {};
    const target = ev.target || {};
    const row = document.createElement('tr');
    row.tabIndex = 0;
    row.className = 'action-' + (ev.action || 'unknown');
    cell(row, formatTime(ev.timestamp), ev.timestamp);
    cell(row, ev.action);
    cell(row, target.repository);
    cell(row, target.tag);
    cell(row, shortDigest(target.digest), target.digest).className = 'mono';
    cell(row, (ev.actor || {}).name);
    cell(row, (ev.request || {}).addr, (ev.request || {}).useragent);
    row.addEventListener('click', () => showDetail(hit));
    row.addEventListener('keydown', (e) => { if (e.key === 'Enter') showDetail(hit); });
    tbody.appendChild(row);
  }
  const status = document.getElementById('status');
  status.className = '';
  if (result.total === 0) {
    status.textContent = 'No events found.';
  } else {
    const shown = result.hits.length;
    status.textContent = shown < result.total
      ? `Newest ${shown} of ${result.total} events. Click a row for the raw event.`
      : `${result.total} event${result.total === 1 ? '' : 's'}. Click a row for the raw event.`;
  }
}

async function run(fields) {
  const status = document.getElementById('status');
  status.className = '';
  status.textContent = 'Searching…';
  try {
    render(await search(fields));
  } catch (err) {
    status.className = 'error';
    status.textContent = err.message;
  }
}

document.addEventListener('DOMContentLoaded', () => {
  const form = document.getElementById('search');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    run(formValues(form));
  });
  form.addEventListener('reset', () => setTimeout(() => run({}), 0));
  document.getElementById('detail-close').addEventListener('click', () => {
    document.getElementById('detail').hidden = true;
  });
  run({}); // the newest events, straight away
});
