/* cistrade dashboard: fetches the JSON API and draws the charts with the bundled vega-embed.
   Wrapped in a function: the Vega bundle declares many top-level names of its own. */
(function () {
  "use strict";

  const $ = (sel) => document.querySelector(sel);
  const API = "/api/v1";

  function params(extra) {
    const p = new URLSearchParams({
      reporter: $("#reporter").value,
      period: $("#period").value.trim(),
      flow: $("#flow").value,
      bloc: $("#bloc").value,
    });
    for (const [k, v] of Object.entries(extra || {})) p.set(k, v);
    return p;
  }

  async function getJSON(url, options) {
    const resp = await fetch(url, options);
    let doc;
    try { doc = await resp.json(); } catch (e) { doc = null; }
    if (!resp.ok) {
      const msg = doc && doc.error ? doc.error.message : `HTTP ${resp.status}`;
      const err = new Error(msg);
      err.type = doc && doc.error ? doc.error.type : "HTTPError";
      throw err;
    }
    return doc;
  }

  function text(el, value) { el.textContent = value == null ? "" : String(value); return el; }
  function cell(tag, value, cls) { const c = document.createElement(tag); text(c, value); if (cls) c.className = cls; return c; }
  const pct = (x, d = 1) => (x == null ? "" : (x * 100).toFixed(d) + "%");
  const millions = (x) => (x == null ? "" : (x / 1e6).toLocaleString("en-US", { maximumFractionDigits: 1, minimumFractionDigits: 1 }));

  async function drawChart(target, kind, extra) {
    const el = $(target);
    el.replaceChildren();
    try {
      const spec = await getJSON(`${API}/charts/${kind}?${params(extra)}`);
      await window.vegaEmbed(el, spec, { actions: false, renderer: "svg" });
      el.dataset.state = "drawn";
    } catch (e) {
      el.dataset.state = "error";
      el.replaceChildren(cell("p", e.message, "notes"));
    }
  }

  function fillShareTable(doc) {
    const body = $("#share-table tbody");
    body.replaceChildren();
    for (const r of doc.rows) {
      const tr = document.createElement("tr");
      tr.dataset.partner = r.partner;
      tr.append(cell("td", r.rank ?? ""), cell("td", r.partner_name || r.partner),
        cell("td", millions(r.value), "num"), cell("td", pct(r.share), "num share"));
      body.append(tr);
    }
    text($("#share-notes"), (doc.notes || []).join(" · ") + (doc.rows.length > 20 ? ` · ${doc.rows.length} partners; the table shows the first 20` : ""));
    const list = $("#datasets");
    list.replaceChildren();
    for (const d of doc.datasets || []) {
      list.append(cell("li", `${d.source}: ${d.file || d.title || d.id} (vintage ${d.vintage})${d.synthetic ? " — SYNTHETIC" : ""}`));
    }
  }

  async function notesOf(target, url) {
    try { const doc = await getJSON(url); text($(target), (doc.notes || []).join(" · ")); }
    catch (e) { text($(target), ""); }
  }

  async function refresh(ev) {
    if (ev) ev.preventDefault();
    const status = $("#status");
    status.className = "status";
    text(status, "Loading…");
    $("#show").disabled = true;
    const p = params();
    const share = getJSON(`${API}/share?${new URLSearchParams({ reporter: p.get("reporter"), period: p.get("period"), flow: p.get("flow") })}`)
      .then((doc) => { fillShareTable(doc); return doc; });
    const jobs = [
      share,
      drawChart("#share-chart", "share"),
      drawChart("#bloc-chart", "bloc-share"),
      drawChart("#matrix-chart", "matrix"),
      notesOf("#bloc-notes", `${API}/bloc-share/series?${new URLSearchParams({ reporter: p.get("reporter"), bloc: p.get("bloc"), period: p.get("period"), flow: p.get("flow") })}`),
      notesOf("#matrix-notes", `${API}/matrix?${new URLSearchParams({ bloc: p.get("bloc"), period: p.get("period"), flow: p.get("flow") })}`),
    ];
    const results = await Promise.allSettled(jobs);
    $("#show").disabled = false;
    if (results[0].status === "rejected") {
      status.className = "status error";
      text(status, results[0].reason.message);
      $("#share-table tbody").replaceChildren();
    } else {
      const q = results[0].value.query;
      text(status, `${q.reporter}, ${q.flow}, ${q.period} (${q.currency})`);
    }
  }

  /* the strengths panel: its own year and product level (product-level data are yearly) */
  function strengthsParams() {
    return {
      reporter: $("#reporter").value, bloc: $("#bloc").value,
      period: $("#strengths-period").value.trim(), level: $("#strengths-level").value,
    };
  }

  async function drawStrengths(ev) {
    if (ev) ev.preventDefault();
    const p = strengthsParams();
    const notes = $("#strengths-notes");
    text(notes, "Loading…");
    const doc = getJSON(`${API}/strengths?${new URLSearchParams({ reporter: p.reporter, period: p.period, level: p.level })}`);
    await Promise.allSettled([drawChart("#rca-chart", "rca", p), drawChart("#tc-chart", "complementarity", p)]);
    try {
      const d = await doc;
      const q = d.query;
      const synthetic = (d.datasets || []).some((x) => x.synthetic) ? " · SYNTHETIC data" : "";
      text(notes, `${q.source} ${q.product_class} ${q.period}, ${q.exporters} exporters${synthetic} · ` + (d.notes || []).join(" · "));
    } catch (e) {
      text(notes, e.message);
    }
  }

  async function checkClaims() {
    const button = $("#claims-submit");
    const status = $("#claims-status");
    const table = $("#verdicts");
    const body = table.querySelector("tbody");
    status.className = "status";
    text(status, "Checking…");
    button.disabled = true;
    try {
      const doc = await getJSON(`${API}/check`, {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ text: $("#claims-text").value }),
      });
      body.replaceChildren();
      for (const v of doc.rows) {
        const tr = document.createElement("tr");
        tr.className = `row-${v.verdict}`;
        tr.dataset.verdict = v.verdict;
        const badge = cell("span", v.verdict, `verdict v-${v.verdict}`);
        const vcell = document.createElement("td");
        vcell.append(badge);
        const computed = v.computed == null ? "" : (v.kind === "value" && v.computed_text ? v.computed_text : `${v.computed.toFixed(1)}%` + (v.computed_rank ? ` (#${v.computed_rank})` : ""));
        const cells = [cell("td", v.text, "claim"), cell("td", v.stated, "num"), cell("td", computed, "num"), vcell,
          cell("td", v.message, "why")];
        ["claim", "stated", "computed", "verdict", "why"].forEach((label, i) => { cells[i].dataset.label = label; });
        tr.append(...cells);
        body.append(tr);
      }
      table.hidden = false;
      text(status, Object.entries(doc.summary || {}).map(([k, n]) => `${n} ${k}`).join(", "));
    } catch (e) {
      status.className = "status error";
      text(status, e.message);
      table.hidden = true;
    } finally {
      button.disabled = false;
    }
  }

  $("#controls").addEventListener("submit", refresh);
  for (const id of ["#reporter", "#flow", "#bloc"]) $(id).addEventListener("change", refresh);
  $("#period").addEventListener("change", refresh);
  $("#claims-submit").addEventListener("click", checkClaims);
  $("#strengths-controls").addEventListener("submit", drawStrengths);
  for (const id of ["#reporter", "#bloc"]) $(id).addEventListener("change", drawStrengths);
  refresh();
  drawStrengths();
})();
