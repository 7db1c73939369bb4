// mnsim report page: builds the tables and the Vega-Lite figures from the
// run data embedded in #mnsim-data (mnsim::report::report_data). When every
// figure has rendered, body[data-status] becomes "ready" and body[data-empty]
// counts the figures that drew no mark (the browser test reads both).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("mnsim-data").textContent);
  var run = data.run;
  var plan = run.plan;
  var root = document.getElementById("report");
  var pending = [];

  // --- small helpers ---------------------------------------------------------
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") e.textContent = attrs[k];
      else if (k === "html") e.innerHTML = attrs[k];
      else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  }
  function add(parent, tag, attrs, children) { var e = el(tag, attrs, children); parent.appendChild(e); return e; }
  function num(x, digits) {
    if (x === null || x === undefined || Number.isNaN(x)) return "\u2013";
    if (typeof x !== "number") return String(x);
    return x.toLocaleString("en-GB", { maximumFractionDigits: digits === undefined ? 2 : digits,
                                       minimumFractionDigits: 0 });
  }
  // "p10–p90" of an interval {p10, p50, p90} (docs/interface.md), or "".
  function range(iv, digits) {
    if (!iv || iv.p10 === undefined || iv.p10 === null) return "";
    return num(iv.p10, digits) + "\u2013" + num(iv.p90, digits);
  }
  // A figure with its interval as the text output gives it, "p50 (p10–p90)"
  // (e.g. "399 (396–400)"); without an interval, the case person's figure.
  function withRange(x, iv, digits) {
    var r = range(iv, digits);
    return r ? num(iv.p50, digits) + " (" + r + ")" : num(x, digits);
  }
  function words(s) { return s === null || s === undefined ? "\u2013" : String(s).replace(/_/g, " "); }
  function table(parent, head, rows, numeric) {
    var t = add(parent, "table");
    var tr = add(add(t, "thead"), "tr");
    head.forEach(function (h, i) { add(tr, "th", { text: h, class: numeric && numeric[i] ? "num" : "" }); });
    var tb = add(t, "tbody");
    rows.forEach(function (r) {
      var row = add(tb, "tr");
      r.forEach(function (c, i) {
        var td = add(row, "td", { class: numeric && numeric[i] ? "num" : "" });
        if (c instanceof Node) td.appendChild(c); else td.textContent = c;
      });
    });
    return t;
  }
  function kv(parent, pairs) {
    var g = add(parent, "div", { class: "kv" });
    pairs.forEach(function (p) { add(g, "div", {}, [el("span", { text: p[0] }), document.createTextNode(p[1])]); });
  }
  function badge(sev) { return el("span", { class: "sev-" + sev, text: sev }); }
  function figure(parent, spec, caption) {
    var box = add(parent, "div", {});
    var div = add(box, "div", { class: "figure vega" });
    if (caption) add(box, "p", { class: "caption", text: caption });
    spec.$schema = "https://vega.github.io/schema/vega-lite/v6.json";
    spec.background = "transparent";  // a wide chart must not paint over its neighbour
    var own = spec.config || {};
    spec.config = Object.assign({ font: "DejaVu Sans", axis: { labelFontSize: 11, titleFontSize: 11 },
                                  title: { fontSize: 13, anchor: "start" } }, own);
    spec.config.legend = Object.assign({ labelFontSize: 11, titleFontSize: 11 }, own.legend || {});
    pending.push(vegaEmbed(div, spec, { renderer: "svg", actions: false }).then(function (res) {
      div.setAttribute("data-marks", String(div.querySelectorAll(".role-mark > *").length));
      return res;
    }));
    return div;
  }
  var LAYER_COLOURS = { stratum_corneum: "#e9d8b4", viable_epidermis: "#f2c2a7",
                        papillary_dermis: "#e59a94", reticular_dermis: "#c9788a", subcutis: "#f7eab0" };

  // --- header ------------------------------------------------------------------
  var c = run.case;
  add(root, "h1", { text: "mnsim report: " + c.name });
  add(root, "p", { class: "subtitle", text: "Generated " + data.generated_utc + " by mnsim " + run.mnsim_version +
                   " from " + c.source + "." });
  add(root, "p", { class: "disclaimer", text: data.disclaimer });

  // --- who and what --------------------------------------------------------------
  add(root, "h2", { text: "Patient and treatment" });
  var p = c.patient || {};
  var pr = c.procedure || {};
  var dev = run.device || {};
  kv(root, [
    ["Patient", num(p.age_years, 0) + " years, " + words(p.sex) + ", Fitzpatrick " + p.fitzpatrick],
    ["Recorded history", p.history && p.history.length ? p.history.map(words).join(", ") : "none recorded"],
    ["Accepts downtime", num(p.max_downtime_days) + " days"],
    ["Device", (dev.name || words(dev.kind)) + " (" + words(dev.kind) + "), " + dev.needle_count + " needles, " +
               num(dev.needle_length_mm) + " mm"],
    ["Needle tip", num(dev.tip_radius_um) + " \u00b5m radius, " + dev.uses + " prior uses"],
    ["Procedure", pr.passes + " passes at " + num(pr.pressure_n) + " N, " + words(pr.setting) +
                  (pr.occluded ? ", occluded" : "")],
    ["Anaesthetic", pr.anaesthetic ? words(pr.anaesthetic.product) + " for " + num(pr.anaesthetic.minutes) + " min" : "none"],
    ["Product", c.product ? words(c.product.id) + " (applied " + words(c.product.applied) + ")" : "none"],
    ["Course in the case", c.course.sessions + " sessions every " + num(c.course.interval_days) + " days"]
  ]);
  add(root, "h3", { text: "Provenance" });
  kv(root, [
    ["mnsim version", run.mnsim_version + " (JSON schema " + run.schema_version + ")"],
    ["Generated", data.generated_utc],
    ["Seed", String(run.seed)],
    ["Intervals", run.uncertainty ? "p10\u2013p90 over " + run.uncertainty.samples + " draws of the person and the " +
                  "calibrated model parameters (seed " + run.uncertainty.seed + "; method: docs/models/puncture.md \u00a74a)"
                  : "none (an explicit medium)"],
    ["Case file", c.source],
    ["Case SHA-256", run.case_sha256 || "\u2013"]
  ]);

  // --- screening -------------------------------------------------------------------
  add(root, "h2", { text: "Screening" });
  if (!plan) {
    add(root, "p", { text: "No screening: the case describes an explicit medium, not a patient." });
  } else {
    add(root, "p", {}, [plan.eligible ? el("span", { class: "sev-none", text: "eligible" })
                                      : el("span", { class: "sev-absolute", text: "not eligible" }),
                        document.createTextNode(plan.eligible ? " The plan below was made within the limits."
                                                              : " No setting, course or anaesthetic is planned.")]);
    if (plan.contraindications.length) {
      table(root, ["severity", "finding", "affects", "what it means", "sources"],
            plan.contraindications.map(function (ci) {
              return [badge(ci.severity), words(ci.code) + (ci.disputed ? " (disputed)" : ""), words(ci.affects),
                      ci.message, (ci.sources || []).join(", ")];
            }));
    } else {
      add(root, "p", { text: "No contraindication among the recorded history codes." });
    }
    (plan.warnings || []).forEach(function (w) { add(root, "p", { class: "warn", text: "\u26a0 " + w }); });
  }

  // --- plan -------------------------------------------------------------------------
  add(root, "h2", { text: "Plan" });
  if (!plan) {
    add(root, "p", { text: "No plan for an explicit medium." });
  } else {
    add(root, "p", { text: (plan.sessions ? plan.sessions + " sessions every " + num(plan.interval_days) + " days" : "No sessions") +
                           (plan.anaesthetic ? "; anaesthetic " + words(plan.anaesthetic.product) + " for " +
                                               num(plan.anaesthetic.minutes) + " min before needling" : "") + "." });
    table(root, ["zone", "indication", "setting (mm)", "passes", "predicted depth, \u00b5m: p50 (p10\u2013p90)", "goal layer",
                 "downtime, days: p50 (p10\u2013p90)", "collagen gain: p50 (p10\u2013p90)", "binding constraint and why"],
          plan.zones.map(function (z) {
            var lim = z.limits || {};
            return [words(z.site), words(z.indication), num(z.depth_mm), num(z.passes, 0),
                    withRange(z.real_depth_um, z.real_depth_um_interval, 0),
                    words(lim.goal_layer), withRange(z.downtime_days, z.downtime_days_interval, 1),
                    withRange(z.collagen_gain_rel, z.collagen_gain_rel_interval, 2),
                    words(z.binding_constraint) + (z.binding_detail ? ": " + z.binding_detail : "") +
                    (z.warnings && z.warnings.length ? " \u26a0 " + z.warnings.join("; ") : "")];
          }), [false, false, true, true, true, false, true, true, false]);
    add(root, "p", { class: "caption", text: "The setting is rounded down to the device's step and kept inside the " +
      "limits (docs/safety.md). The binding constraint is the limit or goal that fixed the setting." +
      (plan.quantile_rule ? " p50 (p10\u2013p90): quantiles across people and the model's calibrated uncertainty; " +
                            plan.quantile_rule + "." : "") });
  }

  // --- history (mnsim report --db --patient) ---------------------------------------------
  var hist = data.history;
  if (hist) {
    var hs = add(root, "section", { id: "history" });
    add(hs, "h2", { text: "History" });
    add(hs, "p", { text: "From the record of patient " + hist.patient + " on " + hist.date + ": " + hist.sessions_done +
      " session(s) done" + (hist.days_since_last_session !== null ? ", the last " + hist.days_since_last_session + " days ago" : "") +
      "; device " + hist.device.id + " with " + hist.device.uses + " use(s). Adverse events and notes are counted here; " +
      "their text stays in the record (mnsim records show)." });
    table(hs, ["date", "device (uses before)", "zones: setting (mm)", "passes", "anaesthetic", "product",
               "redness resolved, day: observed", "predicted", "pain (NRS): observed", "predicted",
               "adverse events", "note"],
          hist.sessions.map(function (s) {
            return [s.date, s.device.id + " (" + s.device.uses_before + ")",
                    s.zones.map(function (z) { return words(z.site) + " " + num(z.depth_mm); }).join(", "),
                    num(s.passes, 0),
                    s.anaesthetic ? words(s.anaesthetic.product) + " " + num(s.anaesthetic.minutes, 0) + " min" : "none",
                    s.product ? words(s.product) : "none",
                    num(s.erythema_resolved_day_observed, 1) + (s.site_observations || []).map(function (o) {
                      return "; " + words(o.site) + " " + num(o.erythema_resolved_day_observed, 1); }).join(""),
                    num(s.erythema_resolved_day_predicted, 1) + (s.site_observations || []).map(function (o) {
                      return "; " + words(o.site) + " " + num(o.erythema_resolved_day_predicted, 1); }).join(""),
                    num(s.pain_nrs_observed, 1), num(s.pain_nrs_predicted, 1),
                    num(s.adverse_events, 0), s.has_note ? "yes" : "no"];
          }), [false, false, false, true, false, false, true, true, true, true, true, false]).setAttribute("id", "history-sessions");
    add(hs, "p", { class: "caption", text: "Predicted: the population model at the session's recorded settings, " +
      "device use count and the patient's age then (redness: the latest-resolving zone; pain: the most painful zone)." });
    var obs = [];
    hist.sessions.forEach(function (s) {
      if (s.erythema_resolved_day_observed !== null && s.erythema_resolved_day_predicted !== null) {
        obs.push({ date: s.date, what: "redness resolved (day)", kind: "observed", v: s.erythema_resolved_day_observed });
        obs.push({ date: s.date, what: "redness resolved (day)", kind: "predicted", v: s.erythema_resolved_day_predicted });
      }
      if (s.pain_nrs_observed !== null && s.pain_nrs_predicted !== null) {
        obs.push({ date: s.date, what: "pain (NRS)", kind: "observed", v: s.pain_nrs_observed });
        obs.push({ date: s.date, what: "pain (NRS)", kind: "predicted", v: s.pain_nrs_predicted });
      }
    });
    if (obs.length) {
      figure(hs, { data: { values: obs },
                   facet: { column: { field: "what", type: "nominal", title: null } },
                   spec: { width: 220, height: 140, mark: { type: "bar" },
                           encoding: { x: { field: "date", type: "ordinal", title: null },
                                       xOffset: { field: "kind" },
                                       y: { field: "v", type: "quantitative", title: null },
                                       color: { field: "kind", type: "nominal", title: null,
                                                scale: { domain: ["observed", "predicted"], range: ["#7a2340", "#9aa5b1"] } } } },
                   resolve: { scale: { y: "independent" } } },
             "Observed against the population model's prediction, per recorded session.");
    }
    function dist(m) {
      return num(m.median, 2) + " (p10\u2013p90 " + num(m.p10, 2) + "\u2013" + num(m.p90, 2) + ")";
    }
    add(hs, "h3", { text: "Personalisation" });
    kv(hs, [
      ["Redness-duration multiplier", "prior " + dist(hist.erythema_multiplier.prior) + "; from " +
        hist.erythema_multiplier.posterior.observations + " observation(s) " + dist(hist.erythema_multiplier.posterior) +
        ((hist.observed_sites || []).length ? "; per zone: " + hist.zones.map(function (z) {
          return words(z.site) + " " + dist(z.erythema_multiplier); }).join(", ") : "")],
      ["Pain-odds multiplier", hist.pain_multiplier.pain_model
        ? "prior " + dist(hist.pain_multiplier.prior) + "; from " + hist.pain_multiplier.posterior.observations +
          " observation(s) " + dist(hist.pain_multiplier.posterior) : "not personalised"],
      ["Anaesthetic offered beyond", num(hist.painless_real_depth_um.personalised, 0) + " \u00b5m real depth (population " +
        num(hist.painless_real_depth_um.population, 0) + " \u00b5m)"]
    ]);
    add(hs, "h3", { text: "Personalised plan and population plan" });
    var pop = hist.population_plan || {};
    var popZones = pop.zones || [];
    table(hs, ["zone", "personalised: mm \u00d7 passes", "downtime (d)", "pain (NRS)",
               "population: mm \u00d7 passes", "downtime (d)", "pain (NRS)"],
          hist.zones.map(function (z, i) {
            var pz = plan && plan.zones ? plan.zones[i] : null;
            var qz = popZones[i] || null;
            function set(q) { return q && q.depth_mm !== null && q.depth_mm !== undefined ? num(q.depth_mm) + " \u00d7 " + num(q.passes, 0) : "not planned"; }
            return [words(z.site), set(pz), num(z.downtime_days_personalised, 1), num(z.pain_nrs_personalised, 1),
                    set(qz), num(qz ? qz.downtime_days : null, 1), num(z.pain_nrs_prior, 1)];
          }), [false, true, true, true, true, true, true]).setAttribute("id", "history-plans");
    add(hs, "p", { class: "caption", text: "Personalised: the plan above, made with the patient's multipliers. Population: " +
      "the same case planned with the model alone (anaesthetic: " + (pop.anaesthetic ? words(pop.anaesthetic.product) + " " +
      num(pop.anaesthetic.minutes, 0) + " min" : "none") + "). The pain columns are at the personalised plan's setting and " +
      "anaesthetic, for the population and for this patient. Method: docs/records.md." });
    (hist.warnings || []).forEach(function (w) { add(hs, "p", { class: "warn", text: "\u26a0 " + w }); });
  }

  // --- map ----------------------------------------------------------------------------
  add(root, "h2", { text: "Treatment map" });
  var SITES = { forehead: [50, 9], glabella: [50, 16], temple: [36.5, 14], upper_eyelid: [42.5, 18.5],
                lower_eyelid: [42.5, 22.5], nose: [50, 25], cheek: [39, 28], upper_lip: [50, 31.5],
                perioral: [56, 35], chin: [50, 40.5], jawline: [38.5, 37], neck: [50, 48], decolletage: [50, 63],
                upper_arm: [19, 80], abdomen: [50, 105], thigh: [40, 152], back: [86, 60] };
  function ellipse(cx, cy, rx, ry, part) {
    var pts = [];
    for (var i = 0; i <= 48; i++) {
      var a = 2 * Math.PI * i / 48;
      pts.push({ part: part, order: i, x: cx + rx * Math.cos(a), y: cy + ry * Math.sin(a) });
    }
    return pts;
  }
  function poly(part, xy) { return xy.map(function (q, i) { return { part: part, order: i, x: q[0], y: q[1] }; }); }
  var outline = [].concat(
    ellipse(50, 24, 16, 21, "head"),
    poly("eyeL", [[38.5, 20.5], [46, 20.5]]), poly("eyeR", [[54, 20.5], [61.5, 20.5]]),
    poly("nose", [[50, 21], [48, 28.5], [52, 28.5]]), poly("mouth", [[45, 34], [55, 34]]),
    poly("neckL", [[44.5, 43.5], [44.5, 52]]), poly("neckR", [[55.5, 43.5], [55.5, 52]]),
    poly("torso", [[44.5, 52], [26, 58], [28, 120], [30, 128], [70, 128], [72, 120], [74, 58], [55.5, 52]]),
    poly("armL", [[26, 58], [17, 64], [11, 110], [10, 130]]), poly("armLi", [[28, 72], [20, 112], [16, 130]]),
    poly("armR", [[74, 58], [83, 64], [89, 110], [90, 130]]), poly("armRi", [[72, 72], [80, 112], [84, 130]]),
    poly("legL", [[30, 128], [33, 198]]), poly("legLi", [[49, 133], [46, 198]]),
    poly("legR", [[70, 128], [67, 198]]), poly("legRi", [[51, 133], [54, 198]]));
  var zoneRows = run.zones.filter(function (z) { return SITES[z.site]; }).map(function (z, i) {
    var pz = plan && plan.zones ? plan.zones.filter(function (q) { return q.site === z.site; })[0] : null;
    var setting = pz && pz.depth_mm !== null && pz.depth_mm !== undefined ? pz.depth_mm : z.depth_setting_mm;
    return { site: words(z.site), x: SITES[z.site][0], y: SITES[z.site][1], setting_mm: setting,
             label: words(z.site) + (setting !== null && setting !== undefined ? " " + num(setting) + " mm" : ""),
             source: pz ? "planned" : "case" };
  });
  var allSites = Object.keys(SITES).map(function (k) { return { site: words(k), x: SITES[k][0], y: SITES[k][1] }; });
  function mapPanel(title, xd, yd, w, h, siteLabels, bodyOnly) {
    var layers = [
      { data: { values: outline }, mark: { type: "line", color: "#9a8f94", strokeWidth: 1.5, clip: true },
        encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" },
                    detail: { field: "part" }, order: { field: "order", type: "quantitative" } } },
      { data: { values: allSites }, mark: { type: "point", color: "#b7aeb2", size: 20, filled: true, clip: true },
        encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" },
                    tooltip: { field: "site" } } },
      { data: { values: zoneRows }, mark: { type: "circle", size: bodyOnly ? 160 : 420, stroke: "#222", strokeWidth: 1, opacity: 0.95, clip: true },
        encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" },
                    color: { field: "setting_mm", type: "quantitative", title: "setting (mm)",
                             scale: { scheme: "viridis", reverse: true, zero: true } },
                    tooltip: [{ field: "site" }, { field: "setting_mm", title: "setting (mm)" }, { field: "source" }] } },
      { data: { values: zoneRows.filter(function (r) { return r.y > yd[0] && r.y < yd[1] && (!bodyOnly || r.y > 55); }) },
        mark: { type: "text", dx: 14, align: "left", fontSize: 12, fontWeight: "bold", clip: true },
        encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" }, text: { field: "label" } } }
    ];
    if (siteLabels) {
      layers.splice(2, 0, { data: { values: allSites }, mark: { type: "text", dy: -8, fontSize: 9, color: "#8a8085", clip: true },
        encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" }, text: { field: "site" } } });
    }
    var spec = { title: title, width: w, height: h, layer: layers,
      resolve: { scale: { color: "shared" } } };
    // shared scales for x/y
    layers.forEach(function (l) {
      l.encoding.x.scale = { domain: xd, nice: false }; l.encoding.x.axis = null;
      l.encoding.y.scale = { domain: yd, reverse: true, nice: false }; l.encoding.y.axis = null;
    });
    return spec;
  }
  figure(root, { hconcat: [mapPanel("Face", [18, 90], [0, 52], 346, 250, false, false),
                           mapPanel("Body (the back beside it)", [0, 110], [0, 200], 165, 300, false, true)],
                 config: { view: { stroke: null } } },
         "Each treated zone coloured by its " + (plan ? "planned" : "case's") +
         " depth setting; grey dots: the other sites of the atlas. A schematic, not to scale.");

  // --- per zone ---------------------------------------------------------------------------
  run.zones.forEach(function (z, k) {
    var series = data.zones[k] || {};
    var pz = plan && plan.zones ? plan.zones.filter(function (q) { return q.site === z.site; })[0] : null;
    var sec = add(root, "section", { class: "zone" });
    add(sec, "h2", { text: "Zone " + (k + 1) + ": " + words(z.site) + (z.indication ? " (" + words(z.indication) + ")" : "") });
    if (!z.pattern) {
      add(sec, "p", { text: "An explicit medium: no needles, no healing course." });
      return;
    }
    var pat = z.pattern;
    add(sec, "p", { text: "Simulated at the case's setting of " + num(pat.device.length_mm) + " mm (" + pat.passes +
      " passes): " + num(pat.channels_total, 0) + " channels over " + num(pat.zone_area_cm2, 0) + " cm\u00b2 (" +
      num(pat.punctures_per_cm2, 0) + " per cm\u00b2), mean depth " + num(pat.depth_um.mean, 0) + " \u00b5m (p10 " +
      num(pat.depth_um.p10, 0) + ", p90 " + num(pat.depth_um.p90, 0) + ")" +
      (pz && pz.depth_mm !== null && pz.depth_mm !== undefined ? "; planned setting " + num(pz.depth_mm) +
        " mm, predicted depth " + num(pz.real_depth_um, 0) + " \u00b5m." : ".") });

    var row1 = add(sec, "div", { class: "figrow" });
    // Depth against the skin layers.
    var skin = z.anatomy.patient_skin.layers;
    var hist = pat.depth_histogram;
    var total = hist.counts.reduce(function (a, b) { return a + b; }, 0) || 1;
    var bars = hist.counts.map(function (n, i) {
      return { top: i * hist.bin_um, bottom: (i + 1) * hist.bin_um, x0: 0, share: 100 * n / total };
    });
    var deepest = Math.max(pat.device.length_mm * 1000, hist.counts.length * hist.bin_um,
                           pz && pz.real_depth_um ? pz.real_depth_um : 0) * 1.2;
    var maxShare = Math.max.apply(null, bars.map(function (b) { return b.share; }).concat([1])) * 1.1;
    var layerRows = skin.filter(function (l) { return l.top_um < deepest; }).map(function (l) {
      return { layer: words(l.name), top: l.top_um, bottom: Math.min(l.top_um + l.thickness_um, deepest),
               thickness: l.thickness_um, x0: 0, x1: maxShare, mid: (l.top_um + Math.min(l.top_um + l.thickness_um, deepest)) / 2 };
    });
    var marks = [{ what: "setting " + num(pat.device.length_mm) + " mm", depth: pat.device.length_mm * 1000 }];
    if (pz && pz.real_depth_um) marks.push({ what: "planned: predicted " + num(pz.real_depth_um, 0) + " \u00b5m", depth: pz.real_depth_um });
    var depthIv = pat.real_depth_um_interval;
    var band = depthIv ? [{ top: depthIv.p10, bottom: depthIv.p90, x0: 0, x1: maxShare,
                            what: "p10\u2013p90 " + range(depthIv, 0) + " \u00b5m" }] : [];
    var yScale = { domain: [0, deepest], reverse: true, nice: false };
    var xScale = { domain: [0, maxShare], nice: false };
    figure(row1, {
      title: { text: "How deep the needles reach", subtitle: "share of channels per 10 \u00b5m over this person's layers" },
      width: 250, height: 250, config: { legend: { orient: "bottom", columns: 2 } },
      layer: [
        { data: { values: layerRows }, mark: { type: "rect", opacity: 0.9 },
          encoding: { y: { field: "top", type: "quantitative", scale: yScale, title: "depth below the surface (\u00b5m)" },
                      y2: { field: "bottom" }, x: { field: "x0", type: "quantitative", scale: xScale, title: "share of channels (%)" },
                      x2: { field: "x1" },
                      color: { field: "layer", type: "nominal", title: "skin layer", sort: null,
                               scale: { domain: layerRows.map(function (l) { return l.layer; }),
                                        range: layerRows.map(function (l) { return LAYER_COLOURS[l.layer.replace(/ /g, "_")] || "#ddd"; }) } },
                      tooltip: [{ field: "layer" }, { field: "top", title: "top (\u00b5m)", format: ".0f" },
                                { field: "thickness", title: "thickness (\u00b5m)", format: ".0f" }] } },
        { data: { values: bars }, mark: { type: "rect", color: "#3b2a4f", opacity: 0.85 },
          encoding: { y: { field: "top", type: "quantitative", scale: yScale }, y2: { field: "bottom" },
                      x: { field: "x0", type: "quantitative", scale: xScale }, x2: { field: "share" },
                      tooltip: [{ field: "top", title: "from (\u00b5m)" }, { field: "share", title: "% of channels", format: ".1f" }] } },
        { data: { values: band }, mark: { type: "rect", color: "#1f6f8b", opacity: 0.28 },
          encoding: { y: { field: "top", type: "quantitative", scale: yScale }, y2: { field: "bottom" },
                      x: { field: "x0", type: "quantitative", scale: xScale }, x2: { field: "x1" },
                      tooltip: [{ field: "what", title: "mean depth across people and the model" }] } },
        { data: { values: marks }, mark: { type: "rule", strokeDash: [5, 3], color: "#7a2340", strokeWidth: 1.5 },
          encoding: { y: { field: "depth", type: "quantitative", scale: yScale } } },
        { data: { values: marks }, mark: { type: "text", align: "right", dy: -5, color: "#7a2340", fontSize: 11 },
          encoding: { y: { field: "depth", type: "quantitative", scale: yScale }, x: { datum: maxShare, type: "quantitative", scale: xScale },
                      text: { field: "what" } } }
      ] }, "Needle tips stop short of the setting as the skin deforms; the coloured bands are this simulated person's layers (dermis across people: " +
      num(z.anatomy.dermis_p10_um, 0) + "\u2013" + num(z.anatomy.dermis_p90_um, 0) + " \u00b5m, central 80 %)." +
      (depthIv ? " Blue band: the mean channel depth's p10\u2013p90 across people and the insertion model's " +
                 "calibrated uncertainty, " + range(depthIv, 0) + " \u00b5m (p50 " + num(depthIv.p50, 0) + ")." : ""));
    // The pattern picture.
    if (pat.channels_total === 0) {
      add(row1, "div", {}, [el("p", { class: "warn", text: "No channel: every needle contact failed to puncture " +
        "this skin (" + num(100 * pat.unpunctured_fraction, 0) + " % of contacts). The skin stays intact; a product " +
        "applied permeates intact skin only." })]);
    } else if (series.pattern_svg) {
      var box = add(row1, "div", {});
      var pic = add(box, "div", { class: "figure pattern" });
      pic.innerHTML = series.pattern_svg.replace(/id="(patch|depth)"/g, 'id="$1-' + k + '"')
                                          .replace(/url\(#(patch|depth)\)/g, "url(#$1-" + k + ")");
      pic.setAttribute("data-marks", String(pic.querySelectorAll("ellipse").length));
      add(box, "p", { class: "caption", text: "Channel openings to scale in a corner of the simulated patch, coloured by depth." });
    }

    // What the product and the anaesthetic reach.
    var d = series.delivery || {};
    var row2 = add(sec, "div", { class: "figrow" });
    if (d.amount_ug_per_cm2) {
      var rows = [];
      Object.keys(d.amount_ug_per_cm2).forEach(function (layer) {
        d.amount_ug_per_cm2[layer].forEach(function (v, i) { rows.push({ t: d.time_h[i], layer: words(layer), amount: v }); });
      });
      var dz = z.delivery || {};
      figure(row2, {
        title: { text: "Where " + words(d.product) + " goes", subtitle: "amount in each layer after application (\u00b5g/cm\u00b2)" },
        width: 250, height: 170, config: { legend: { orient: "bottom", columns: 3 } }, data: { values: rows }, mark: { type: "line", strokeWidth: 2 },
        encoding: { x: { field: "t", type: "quantitative", title: "time after application (h)" },
                    y: { field: "amount", type: "quantitative", title: "amount (\u00b5g/cm\u00b2)" },
                    color: { field: "layer", type: "nominal", title: "layer", sort: null,
                             scale: { scheme: "tableau10" } } } },
        "Past the stratum corneum by the horizon: " + num(dz.delivered_past_sc_ug_per_cm2, 2) + " \u00b5g/cm\u00b2" +
        (range(dz.delivered_past_sc_ug_per_cm2_interval, 2) ? " (" + range(dz.delivered_past_sc_ug_per_cm2_interval, 2) +
          " at the depth p10\u2013p90)" : "") +
        (dz.enhancement_ratio ? (dz.enhancement_ratio > 1e6 ? " (practically only through the channels)"
                                                            : " (" + num(dz.enhancement_ratio, 1) + " \u00d7 intact skin)") : " (intact skin)") + ".");
    }
    if (d.anaesthetic) {
      var a = d.anaesthetic, arows = [];
      a.time_min.forEach(function (t, i) {
        arows.push({ t: t, skin: "needled", depth: a.numbing_depth_um[i] });
        if (a.numbing_depth_intact_um) arows.push({ t: t, skin: "intact", depth: a.numbing_depth_intact_um[i] });
      });
      var ticks = [{ t: a.minutes, what: "wiped off (" + num(a.minutes, 0) + " min)" }];
      figure(row2, {
        title: { text: "How deep " + words(a.product) + " numbs", subtitle: "numbed depth over time (\u00b5m)" },
        width: 250, height: 170, config: { legend: { orient: "bottom" } },
        layer: [
          { data: { values: arows }, mark: { type: "line", strokeWidth: 2 },
            encoding: { x: { field: "t", type: "quantitative", title: "minutes after application" },
                        y: { field: "depth", type: "quantitative", title: "numbed depth (\u00b5m)", scale: { reverse: true } },
                        color: { field: "skin", type: "nominal", title: "skin", scale: { domain: ["needled", "intact"], range: ["#7a2340", "#9a9aa5"] } } } },
          { data: { values: ticks }, mark: { type: "rule", strokeDash: [4, 3], color: "#444" },
            encoding: { x: { field: "t", type: "quantitative" } } }
        ] }, "Dashed line: the anaesthetic is wiped off." +
        (a.numbing_onset_s !== null && a.numbing_onset_s !== undefined ? " Numbing onset: " + num(a.numbing_onset_s / 60, 1) + " min." : ""));
    }
    if (!d.amount_ug_per_cm2 && !d.anaesthetic) add(row2, "p", { text: "No product or anaesthetic in this case." });

    // Redness, swelling, pain.
    var row3 = add(sec, "div", { class: "figrow" });
    var ac = series.acute;
    if (ac) {
      var arows2 = [];
      ac.time_h.forEach(function (t, i) {
        arows2.push({ day: t / 24, what: "redness (erythema)", grade: ac.erythema[i] });
        arows2.push({ day: t / 24, what: "swelling (oedema)", grade: ac.oedema[i] });
      });
      var res = ac.erythema_resolved_day;
      var maxGrade = Math.max.apply(null, ac.erythema.concat(ac.oedema));
      var layers3 = [{ data: { values: arows2 }, mark: { type: "line", strokeWidth: 2 },
        encoding: { x: { field: "day", type: "quantitative", title: "days after the first session" },
                    y: { field: "grade", type: "quantitative", title: "grade (0 none \u2013 4 severe)",
                         scale: { domain: [0, Math.max(1, maxGrade)] } },
                    color: { field: "what", type: "nominal", title: null, scale: { range: ["#c0392b", "#2e86c1"] } } } }];
      if (res > 0) {
        layers3.push({ data: { values: [{ day: res, what: "redness resolved, day " + num(res, 1) }] },
          mark: { type: "rule", strokeDash: [4, 3], color: "#c0392b" }, encoding: { x: { field: "day", type: "quantitative" } } });
        layers3.push({ data: { values: [{ day: res, what: "resolved: day " + num(res, 1) }] },
          mark: { type: "text", align: "left", dx: 4, dy: 8, baseline: "top", color: "#c0392b" },
          encoding: { x: { field: "day", type: "quantitative" }, y: { datum: 0 }, text: { field: "what" } } });
      }
      figure(row3, { title: { text: "Redness and swelling after a session",
                              subtitle: "pain during treatment: " + num(ac.pain_nrs, 1) + " of 10 (NRS)" },
                     width: 250, height: 170, config: { legend: { orient: "bottom" } }, layer: layers3 },
             (res > 0 ? "Redness resolves by day " + num(res, 1) + "." : "Redness stays below the visible grade.") +
             (range(z.healing.downtime_days_interval, 1) ? " Across people and the model: day " +
               range(z.healing.downtime_days_interval, 1) + " (p10\u2013p90)." : ""));
    }
    // Collagen over the course.
    var co = series.course;
    if (co) {
      var crow = [];
      co.days.forEach(function (t, i) {
        crow.push({ day: t, what: "total collagen", v: co.collagen_rel[i] });
        crow.push({ day: t, what: "dermal thickness", v: co.dermal_thickness_rel[i] });
        crow.push({ day: t, what: "elastin", v: co.elastin_rel[i] });
      });
      var sess = co.session_days.map(function (s, i) { return { day: s, label: "session " + (i + 1) }; });
      figure(row3, {
        title: { text: "Collagen over the course", subtitle: "relative to before treatment; dashed: sessions" },
        width: 250, height: 170, config: { legend: { orient: "bottom" } },
        layer: [
          { data: { values: sess }, mark: { type: "rule", strokeDash: [3, 3], color: "#888" },
            encoding: { x: { field: "day", type: "quantitative" }, tooltip: { field: "label" } } },
          { data: { values: crow }, mark: { type: "line", strokeWidth: 2 },
            encoding: { x: { field: "day", type: "quantitative", title: "days from the first session" },
                        y: { field: "v", type: "quantitative", title: "relative to baseline", scale: { zero: false } },
                        color: { field: "what", type: "nominal", title: null,
                                 scale: { domain: ["total collagen", "dermal thickness", "elastin"], range: ["#7a2340", "#e67e22", "#2874a6"] } } } }
        ] }, "Peak collagen " + num(z.healing.collagen_rel_peak, 2) + " \u00d7, at the horizon " + num(z.healing.collagen_rel_end, 2) +
        " \u00d7 baseline (sessions of the case: " + co.session_days.length + ")." +
        (range(z.healing.collagen_gain_rel_interval, 2) ? " Across people and the model: " +
          range(z.healing.collagen_gain_rel_interval, 2) + " \u00d7 at the horizon (p10\u2013p90)." : ""));
    }
  });

  // --- limitations and validation -------------------------------------------------------------
  var tail = add(root, "section", { class: "zone" });
  add(tail, "h2", { text: "Limitations" });
  var ul = add(tail, "ul");
  data.limitations.forEach(function (l) { add(ul, "li", { text: l }); });
  add(tail, "h2", { text: "Validation summary" });
  var v = data.validation;
  add(tail, "p", { text: "Model predictions against published data (mnsim validate): " + v.total.passed + " of " + v.total.rows +
    " rows within tolerance; held out from fitting (the validation proper): " + v.total.held_out_passed + " of " + v.total.held_out + "." });
  table(tail, ["stage", "rows", "within tolerance", "held out", "held out within tolerance"],
        v.stages.map(function (s) { return [s.stage, s.rows, s.passed, s.held_out, s.held_out_passed]; }),
        [false, true, true, true, true]);
  add(tail, "p", { class: "disclaimer", text: data.disclaimer });
  add(tail, "footer", { text: "mnsim " + run.mnsim_version + " \u00b7 case " + (run.case_sha256 || "").slice(0, 16) +
    "\u2026 \u00b7 seed " + run.seed + " \u00b7 " + data.generated_utc });

  // --- ready ----------------------------------------------------------------------------------
  Promise.allSettled(pending).then(function (results) {
    results.forEach(function (r) { if (r.status === "rejected") window.mnsimErrors.push("figure: " + (r.reason && r.reason.message || r.reason)); });
    var figs = document.querySelectorAll(".figure");
    var empty = 0;
    figs.forEach(function (f) { if (!(Number(f.getAttribute("data-marks")) > 0)) { empty++; f.setAttribute("data-empty", "true"); } });
    var b = document.body;
    b.setAttribute("data-figures", String(figs.length));
    b.setAttribute("data-empty", String(empty));
    b.setAttribute("data-errors", String(window.mnsimErrors.length));
    if (window.mnsimErrors.length) {
      var pre = document.getElementById("errors");
      pre.hidden = false;
      pre.textContent = window.mnsimErrors.join("\n");
    }
    b.setAttribute("data-status", "ready");
  });
})();
