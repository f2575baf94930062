// esglens web: drag-and-drop upload, live analysis status, the page viewer with highlights, ask.
// Every page works without this file; it only adds to it. Text from a report is only ever set
// with textContent or as an attribute value, never parsed as HTML.
"use strict";

(function () {
  const SVG = "http://www.w3.org/2000/svg";

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  async function getJSON(url) {
    const res = await fetch(url, { headers: { accept: "application/json" }, credentials: "same-origin" });
    const data = await res.json().catch(() => ({ error: res.statusText }));
    if (!res.ok) throw new Error(data.error || res.statusText);
    return data;
  }

  // ------------------------------------------------------------------ upload

  function setupUpload() {
    const form = document.getElementById("upload-form");
    if (!form) return;
    const input = document.getElementById("upload-file");
    const status = document.getElementById("upload-status");
    const send = (file) => {
      if (!file) return;
      const body = new FormData();
      body.append("file", file, file.name);
      const xhr = new XMLHttpRequest();
      xhr.open("POST", "/api/reports");
      xhr.responseType = "json";
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) status.textContent = `Uploading ${file.name}: ${Math.round((100 * e.loaded) / e.total)}%`;
      };
      xhr.onload = () => {
        const data = xhr.response || {};
        if (xhr.status >= 200 && xhr.status < 300 && data.id) {
          status.textContent = `${file.name}: ${data.status} — opening…`;
          window.location.assign(`/reports/${data.id}`);
        } else {
          status.textContent = `${file.name}: ${data.error || "upload failed (" + xhr.status + ")"}`;
          status.classList.add("error-text");
        }
      };
      xhr.onerror = () => { status.textContent = "The upload failed: is the server running?"; };
      status.classList.remove("error-text");
      status.textContent = `Uploading ${file.name}…`;
      xhr.send(body);
    };
    form.addEventListener("submit", (e) => { e.preventDefault(); send(input.files[0]); });
    input.addEventListener("change", () => send(input.files[0]));
    for (const type of ["dragenter", "dragover"]) {
      form.addEventListener(type, (e) => { e.preventDefault(); form.classList.add("over"); });
    }
    for (const type of ["dragleave", "drop"]) {
      form.addEventListener(type, (e) => { e.preventDefault(); form.classList.remove("over"); });
    }
    form.addEventListener("drop", (e) => send(e.dataTransfer.files[0]));
  }

  // ------------------------------------------------------------------ status of a pending report

  function setupStatus() {
    const box = document.getElementById("status");
    if (!box || !["queued", "running"].includes(box.dataset.status)) return;
    const text = document.getElementById("status-text");
    const bar = document.getElementById("status-progress");
    const poll = async () => {
      try {
        const s = await getJSON(`/api/reports/${box.dataset.reportId}`);
        if (s.status === "done" || s.status === "failed") { window.location.reload(); return; }
        if (s.status === "queued") {
          const ahead = s.position == null ? "" : ` — ${s.position} report${s.position === 1 ? "" : "s"} ahead`;
          text.textContent = `Queued${ahead}.`;
        } else {
          text.textContent = `Analysing — ${s.stage}${s.elapsed ? `, ${Math.round(s.elapsed)} s` : ""}.`;
        }
        if (bar) bar.value = s.fraction || 0;
      } catch (err) {
        text.textContent = `Waiting for the server… (${err.message})`;
      }
      window.setTimeout(poll, 1000);
    };
    window.setTimeout(poll, 700);
  }

  // ------------------------------------------------------------------ page viewer

  function setupViewer() {
    const report = document.getElementById("report");
    if (!report) return;
    const id = report.dataset.reportId;
    const pages = Number(report.dataset.pages) || 1;
    const v = {
      page: document.getElementById("viewer-page"), img: document.getElementById("viewer-img"),
      overlay: document.getElementById("viewer-overlay"), title: document.getElementById("viewer-title"),
      quote: document.getElementById("viewer-quote"), note: document.getElementById("viewer-note"),
      open: document.getElementById("viewer-open"), viewer: document.getElementById("viewer"),
    };
    let current = 0;
    let active = null;

    function draw(data) {
      v.overlay.replaceChildren();
      v.overlay.setAttribute("viewBox", `0 0 ${data.width} ${data.height}`);
      const add = (b, cls, pad) => {
        const r = document.createElementNS(SVG, "rect");
        r.setAttribute("class", cls);
        r.setAttribute("x", b[0] - pad); r.setAttribute("y", b[1] - pad);
        r.setAttribute("width", b[2] - b[0] + 2 * pad); r.setAttribute("height", b[3] - b[1] + 2 * pad);
        v.overlay.appendChild(r);
      };
      data.boxes.forEach((b) => add(b, "hl", 1));
      data.value_boxes.forEach((b) => add(b, "hl-value", 2));
      v.overlay.dataset.boxes = String(data.boxes.length);
      if (data.boxes.length) {
        const first = data.boxes[0];
        const scale = v.img.clientHeight / data.height || 1;
        v.viewer.scrollTo({ top: Math.max(0, v.page.offsetTop + first[1] * scale - 120), behavior: "smooth" });
        v.note.textContent = data.match === "exact" ? "The quoted text is highlighted." :
          "The quote is highlighted where its words are on the page.";
      } else {
        v.note.textContent = "The quote could not be located on the page image (a scanned page, or text set as an image).";
      }
    }

    async function show(page, quote, value) {
      current = Math.min(Math.max(1, page), pages);
      v.page.hidden = false;
      v.title.textContent = `Page ${current} of ${pages}`;
      v.open.hidden = false;
      v.open.href = `/reports/${id}/pages/${current}` + (quote ? `?q=${encodeURIComponent(quote)}&v=${encodeURIComponent(value || "")}` : "");
      v.overlay.replaceChildren();
      v.overlay.dataset.boxes = "";
      v.quote.hidden = !quote;
      v.quote.textContent = quote || "";
      v.note.textContent = "Loading the page…";
      const loaded = new Promise((resolve) => {
        v.img.onload = resolve;
        v.img.onerror = () => { v.note.textContent = "The page image could not be rendered."; resolve(); };
      });
      v.img.alt = `Page ${current} of the report`;
      v.img.src = `/api/reports/${id}/pages/${current}.png?scale=1.5`;
      if (!quote) { await loaded; v.note.textContent = ""; return; }
      try {
        const url = `/api/reports/${id}/pages/${current}/boxes?q=${encodeURIComponent(quote)}&v=${encodeURIComponent(value || "")}`;
        const [data] = await Promise.all([getJSON(url), loaded]);
        if (data.page === current) draw(data);
      } catch (err) {
        v.note.textContent = `No highlight: ${err.message}`;
      }
    }

    document.addEventListener("click", (e) => {
      const link = e.target.closest("a.cite");
      if (!link || !report.contains(link) || e.ctrlKey || e.metaKey || e.shiftKey) return;
      e.preventDefault();
      if (active) active.removeAttribute("aria-current");
      active = link;
      link.setAttribute("aria-current", "true");
      show(Number(link.dataset.page), link.dataset.quote || "", link.dataset.value || "");
      if (window.matchMedia("(max-width: 900px)").matches) v.viewer.scrollIntoView({ behavior: "smooth" });
    });
    document.getElementById("viewer-prev").addEventListener("click", () => current > 1 && show(current - 1, "", ""));
    document.getElementById("viewer-next").addEventListener("click", () => current < pages && show(current + 1, "", ""));
    setupAsk(id);
  }

  // ------------------------------------------------------------------ ask

  function citeLink(id, c) {
    const a = el("a", {
      class: "cite", href: `/reports/${id}/pages/${c.page}?q=${encodeURIComponent(c.quote)}`,
      "data-page": String(c.page), "data-quote": c.quote, "data-value": "",
    }, `p.\u00a0${c.page}`);
    return a;
  }

  function setupAsk(id) {
    const form = document.getElementById("ask-form");
    const out = document.getElementById("answer");
    if (!form) return;
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const q = form.elements.q.value.trim();
      if (!q) return;
      out.replaceChildren(el("p", { class: "muted" }, "Looking through the report…"));
      try {
        const a = await getJSON(`/api/reports/${id}/ask?q=${encodeURIComponent(q)}`);
        const parts = [a.abstained ? el("p", { class: "muted" }, "No answer found in the report.")
                                   : el("p", { class: "answer-text" }, a.answer)];
        if (a.citations.length) {
          const list = el("ol", { class: "answer-cites" });
          for (const c of a.citations) {
            const li = el("li");
            li.append(citeLink(id, c), " ", el("span", { class: "small" }, c.quote));
            list.appendChild(li);
          }
          parts.push(list);
        }
        out.replaceChildren(...parts);
      } catch (err) {
        out.replaceChildren(el("p", { class: "error-text" }, err.message));
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => { setupUpload(); setupStatus(); setupViewer(); });
})();
