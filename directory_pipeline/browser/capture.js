// Runs inside a page (or frame) and describes every user-editable form field in it.
// Returns {forms: [...], fields: [...]} with form indexes local to this document; the
// Python side renumbers them across frames.
//
// Open shadow roots (web-component form widgets) are walked too, recursively: their controls
// are fields like any other, labelled from their own root (label[for], aria-labelledby and
// ids resolve within the field's root first), and text reaches across the host boundary
// (a host's shadow tree is read in place of its light children, <slot>s by what they show).
// Closed shadow roots (attachShadow({mode: "closed"})) cannot be read from outside, so their
// fields stay invisible here, as they do to Playwright.
//
// Forms are numbered as Playwright's CSS engine finds them (so `locator("form").nth(i)` is
// form i): the document's own forms first, in document order, then the forms of each open
// shadow root, roots taken depth-first in the order of their hosts. Pages without shadow
// roots number their forms exactly as before.
() => {
  const SKIP_TYPES = new Set(["hidden", "submit", "button", "image", "reset"]);
  const CONTROLS = "input, select, textarea";
  const norm = (s) => (s || "").replace(/\s+/g, " ").trim();
  const clip = (s, n = 300) => norm(s).slice(0, n);
  const editable = (el) => !(el.tagName === "INPUT" && SKIP_TYPES.has((el.type || "text").toLowerCase()));

  // Every open shadow root of the document, depth-first in the order of their hosts.
  const shadowRoots = [];
  const collectRoots = (root) => {
    for (const el of root.querySelectorAll("*")) {
      if (!el.shadowRoot) continue;
      shadowRoots.push(el.shadowRoot);
      collectRoots(el.shadowRoot);
    }
  };
  collectRoots(document);
  const hasShadow = shadowRoots.length > 0;

  // The parent a node is drawn in: the slot it is assigned to, its parent element, or the
  // host of the shadow root it sits at the top of.
  const flatParent = (node) => {
    if (node.assignedSlot) return node.assignedSlot;
    if (node.parentElement) return node.parentElement;
    const root = node.parentNode;
    return root instanceof ShadowRoot ? root.host : null;
  };
  // The parent across shadow boundaries, without following slots: the light-DOM structure
  // a host sits in (its row, its form, its fieldset).
  const composedParent = (node) => {
    if (node.parentElement) return node.parentElement;
    const root = node.parentNode;
    return root instanceof ShadowRoot ? root.host : null;
  };
  const composedClosest = (el, selector) => {
    for (let node = el; node; ) {
      const found = node.closest(selector);
      if (found) return found;
      const root = node.getRootNode();
      node = root instanceof ShadowRoot ? root.host : null;
    }
    return null;
  };

  // Controls under `node` (an element, a shadow root or the document), shadow trees
  // included, in the order they are drawn: a host's shadow tree before its light children.
  const controlsIn = (node) => {
    if (!hasShadow) return Array.from(node.querySelectorAll(CONTROLS)).filter(editable);
    const found = [];
    const walk = (parent) => {
      for (const child of parent.children) {
        if (child.matches(CONTROLS) && editable(child)) found.push(child);
        if (child.shadowRoot) walk(child.shadowRoot);
        walk(child);
      }
    };
    if (node.shadowRoot) walk(node.shadowRoot);
    walk(node);
    return found;
  };

  // Text of an element without the text of any controls nested in it (wrapping labels);
  // a shadow host's text is its shadow tree's, a slot's the nodes it shows.
  const SKIP_TEXT = new Set(["INPUT", "SELECT", "TEXTAREA", "SCRIPT", "STYLE", "OPTION"]);
  const ownText = (el) => {
    if (!el) return "";
    if (!hasShadow) {
      const clone = el.cloneNode(true);
      clone.querySelectorAll("input, select, textarea, script, style, option").forEach((c) => c.remove());
      return norm(clone.textContent);
    }
    const parts = [];
    const walk = (node) => {
      if (node.nodeType === Node.TEXT_NODE) { parts.push(node.data); return; }
      if (node.nodeType !== Node.ELEMENT_NODE && node.nodeType !== Node.DOCUMENT_FRAGMENT_NODE) return;
      if (node.nodeType === Node.ELEMENT_NODE && SKIP_TEXT.has(node.tagName)) return;
      if (node.shadowRoot) { walk(node.shadowRoot); return; }
      if (node.tagName === "SLOT") {
        const shown = node.assignedNodes({ flatten: true });
        if (shown.length) { shown.forEach(walk); return; }
      }
      node.childNodes.forEach(walk);
    };
    walk(el);
    return norm(parts.join(""));
  };

  const labelText = (el) => {
    const texts = [];
    if (el.labels) for (const l of el.labels) texts.push(ownText(l));
    // A control alone in a custom element's shadow root: a label for the host, or wrapping
    // it, is what a person reads as the control's label (and, for a form-associated
    // element, what the browser itself associates with it).
    for (let node = el; !texts.length && hasShadow; ) {
      const root = node.getRootNode();
      if (!(root instanceof ShadowRoot)) break;
      const host = root.host;
      if (controlsIn(host).length > 1) break;
      if (host.id)
        host.getRootNode().querySelectorAll(`label[for="${CSS.escape(host.id)}"]`).forEach((l) => texts.push(ownText(l)));
      const wrapping = host.closest("label");
      if (wrapping) texts.push(ownText(wrapping));
      node = host;
    }
    return clip(texts.filter(Boolean).join(" "));
  };

  // An id resolved in the element's own root (a shadow root has ids of its own), else
  // in the document.
  const byId = (el, id) => {
    const root = el.getRootNode();
    return (root.getElementById && root.getElementById(id)) || el.ownerDocument.getElementById(id);
  };

  const ariaText = (el) => {
    const ids = (el.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean);
    const parts = ids.map((id) => ownText(byId(el, id)));
    parts.push(el.getAttribute("aria-label") || "");
    return clip(parts.filter(Boolean).join(" "));
  };

  const legendText = (el) => {
    const fs = composedClosest(el, "fieldset");
    const legend = fs && fs.querySelector(":scope > legend");
    return clip(ownText(legend));
  };

  // A table cell / definition term / text right before the field.
  const cellText = (el) => {
    const td = composedClosest(el, "td, th");
    if (td) {
      let prev = td.previousElementSibling;
      while (prev && !ownText(prev)) prev = prev.previousElementSibling;
      if (prev) return clip(ownText(prev));
      const row = td.parentElement && td.parentElement.previousElementSibling;
      if (row && controlsIn(row).length === 0) return clip(ownText(row));
    }
    const dd = composedClosest(el, "dd");
    if (dd) {
      let prev = dd.previousElementSibling;
      while (prev && prev.tagName !== "DT") prev = prev.previousElementSibling;
      if (prev) return clip(ownText(prev));
    }
    return "";
  };

  // A row label shared by several fields ("PLZ / Ort" over two inputs): each field gets its
  // part when the label splits into as many parts as the row has fields.
  const sharedLabel = (el) => {
    let node = composedParent(el);
    for (let depth = 0; depth < 3 && node && node.tagName !== "FORM"; depth++) {
      const row = controlsIn(node);
      let prev = node.previousElementSibling;
      while (prev && !ownText(prev) && controlsIn(prev).length === 0) prev = prev.previousElementSibling;
      if (row.length > 1 && prev && controlsIn(prev).length === 0) {
        const text = ownText(prev).replace(/\s*\*\s*$/, "");
        if (!text || text.length > 80) return { part: "", whole: "" };
        const parts = text.split(/\s*[\/,&+|]\s*|\s+(?:und|and|y|et|e|en)\s+/i).filter(Boolean);
        return parts.length === row.length
          ? { part: parts[row.indexOf(el)], whole: "" }
          : { part: "", whole: text };
      }
      if (row.length > 1) return { part: "", whole: "" };
      node = composedParent(node);
    }
    return { part: "", whole: "" };
  };

  // Closest preceding text inside the field's own container (e.g. <p>Phone<br><input>).
  const nearbyText = (el) => {
    let node = el;
    for (let depth = 0; depth < 3 && node; depth++) {
      let prev = node.previousSibling;
      while (prev) {
        if (prev.nodeType === Node.ELEMENT_NODE && controlsIn(prev).length) break;
        if (prev.nodeType === Node.ELEMENT_NODE && prev.matches("input, select, textarea")) break;
        const text = prev.nodeType === Node.TEXT_NODE ? norm(prev.textContent) : ownText(prev);
        if (text) return clip(text, 160);
        prev = prev.previousSibling;
      }
      node = composedParent(node);
      if (!node || node.tagName === "FORM" || controlsIn(node).length > 1) break;
    }
    return "";
  };

  // Text right after a control, up to the next control or line break: how table layouts and
  // bare radio/checkbox lists label their options (`<input type=radio> Free`).
  const followingText = (el) => {
    const parts = [];
    for (let node = el.nextSibling; node; node = node.nextSibling) {
      if (node.nodeType === Node.ELEMENT_NODE) {
        if (node.matches("input, select, textarea, br, p, div, li, tr, td, table, ul, ol, fieldset, label"))
          break;
        if (controlsIn(node).length) break;
      }
      const text = node.nodeType === Node.TEXT_NODE ? norm(node.textContent) : ownText(node);
      if (text) parts.push(text);
      if (parts.join(" ").length > 160) break;
    }
    return clip(parts.join(" "), 200);
  };

  const visibility = (el, group) => {
    const win = el.ownerDocument.defaultView;
    let hiddenBy = null;
    for (let node = el; node && node.nodeType === Node.ELEMENT_NODE; node = flatParent(node)) {
      const style = win.getComputedStyle(node);
      if (style.display === "none" || style.visibility === "hidden" || node.hidden) {
        hiddenBy = node;
        break;
      }
      if (node.getAttribute("aria-hidden") === "true") return { visibility: "aria-hidden", stepRoot: null };
    }
    if (hiddenBy && hiddenBy !== el) {
      // A hidden container holding several fields is a wizard step, not a trap.
      const fields = controlsIn(hiddenBy).filter((c) => !group.includes(c));
      if (fields.length >= 1 && hiddenBy.tagName !== "LABEL") return { visibility: "hidden-step", stepRoot: hiddenBy };
    }
    if (hiddenBy) return { visibility: "display-none", stepRoot: null };

    const type = (el.type || "").toLowerCase();
    const labelVisible = Array.from(el.labels || []).some((l) => {
      const r = l.getBoundingClientRect();
      return r.width > 1 && r.height > 1;
    });
    const toggle = (type === "checkbox" || type === "radio") && labelVisible;
    const rect = el.getBoundingClientRect();
    const sx = win.scrollX, sy = win.scrollY;
    const left = rect.left + sx, top = rect.top + sy;
    if (!toggle && (rect.right + sx < 0 || rect.bottom + sy < 0 || left > 10000 || top > 50000))
      return { visibility: "off-screen", stepRoot: null };
    if (!toggle && rect.width * rect.height < 4) return { visibility: "zero-size", stepRoot: null };
    let opacity = 1;
    for (let node = el; node && node.nodeType === Node.ELEMENT_NODE; node = flatParent(node))
      opacity *= parseFloat(win.getComputedStyle(node).opacity || "1");
    if (!toggle && opacity < 0.05) return { visibility: "transparent", stepRoot: null };
    return { visibility: "visible", stepRoot: null };
  };

  // Everything matching `selector` under `node`, open shadow trees included: what
  // Playwright's CSS engine (which pierces open shadow roots) finds for a selector without
  // combinators.
  const deepAll = (node, selector) => {
    const found = Array.from(node.querySelectorAll(selector));
    if (!hasShadow) return found;
    for (const host of [node, ...node.querySelectorAll("*")])
      if (host.shadowRoot) found.push(...deepAll(host.shadowRoot, selector));
    return found;
  };

  // A selector Playwright resolves to the field (the first member of a group) in its frame.
  // `#id` and `tag[name=...]` are counted across shadow roots, as Playwright matches them;
  // the structural fallback climbs through hosts, which Playwright's `>` crosses too.
  const uniqueSelector = (el, group) => {
    const doc = el.ownerDocument;
    const esc = (s) => CSS.escape(s);
    if (el.id && deepAll(doc, "#" + esc(el.id)).length === 1) return "#" + esc(el.id);
    const tag = el.tagName.toLowerCase();
    if (el.name) {
      const byName = `${tag}[name="${el.name.replace(/"/g, '\\"')}"]`;
      const matches = deepAll(doc, byName);
      if (matches.length === 1 || (group.length > 1 && matches.length === group.length && group.every((g) => matches.includes(g))))
        return byName;
      const inLightDom = el.getRootNode() === doc && matches.every((m) => m.getRootNode() === doc);
      if (el.form && inLightDom) {
        const forms = Array.from(doc.forms);
        const within = `form:nth-of-type(${forms.indexOf(el.form) + 1}) ${byName}`;
        if (el.form.querySelectorAll(byName).length === (group.length || 1) && doc.querySelectorAll(within).length === (group.length || 1)) return within;
      }
    }
    const path = [];
    for (let node = el; node && node.nodeType === Node.ELEMENT_NODE && node !== doc.documentElement; node = composedParent(node)) {
      let index = 1;
      for (let sib = node.previousElementSibling; sib; sib = sib.previousElementSibling)
        if (sib.tagName === node.tagName) index++;
      path.unshift(`${node.tagName.toLowerCase()}:nth-of-type(${index})`);
    }
    return "html > " + path.join(" > ");
  };

  const forms = [...document.forms, ...shadowRoots.flatMap((root) => Array.from(root.querySelectorAll("form")))];

  // The form a control belongs to, and whether that form's own submission carries its value.
  // A control's native form owner (`el.form`) is only ever a form of its own tree. A control
  // in a custom element's shadow root whose host sits inside a <form> is, to a person, part
  // of that form, and so it is captured as such; but the browser submits its value with the
  // form only when the host is a form-associated custom element (`static formAssociated`,
  // whose ElementInternals hand the value over). Otherwise the page's own script has to copy
  // it over (most widget libraries do), so `submits_natively` is false: filled like any
  // other field, but a submit may arrive without it.
  const owners = new Map();
  const ownerOf = (el) => {
    if (owners.has(el)) return owners.get(el);
    let owner = { form: el.form || null, native: true };
    for (let node = el; !owner.form; ) {
      const root = node.getRootNode();
      if (!(root instanceof ShadowRoot)) break;
      const host = root.host;
      const form = host.closest("form");
      if (form) owner = { form, native: !!(host.constructor && host.constructor.formAssociated) };
      node = host;
    }
    owners.set(el, owner);
    return owner;
  };
  const formIndex = (el) => {
    const { form } = ownerOf(el);
    return form ? forms.indexOf(form) : -1;
  };
  const submitLabels = (form) =>
    deepAll(form, "button, input[type=submit], input[type=image]")
      .filter((b) => (b.type || "submit").toLowerCase() === "submit" || b.tagName === "INPUT")
      .map((b) => clip(b.innerText || b.value || b.getAttribute("aria-label") || "", 80))
      .filter(Boolean);

  const seenGroups = new Set();
  const stepRoots = [];
  const fields = [];
  const allControls = controlsIn(document);
  for (const el of allControls) {
    const tag = el.tagName.toLowerCase();
    const type = tag === "input" ? (el.type || "text").toLowerCase() : tag;
    const fi = formIndex(el);
    let group = [el];
    if ((type === "radio" || type === "checkbox") && el.name) {
      // Same name, same type, same form: one group, even when each member sits in a shadow
      // root of its own (a custom radio element per option).
      group = allControls.filter(
        (g) => g.tagName === "INPUT" && g.name === el.name && g.type === type && formIndex(g) === fi
      );
      const groupKey = fi + "/" + type + "/" + el.name;
      if (seenGroups.has(groupKey)) continue;
      seenGroups.add(groupKey);
      if (type === "checkbox" && group.length === 1) group = [el];
    }
    const isGroup = group.length > 1 || type === "radio";
    let kind = type;
    if (tag === "select") kind = el.multiple ? "select-multiple" : "select";
    let options = [];
    if (tag === "select") {
      options = Array.from(el.options).map((o) => ({
        value: o.value, label: clip(o.label || o.textContent, 160), selected: o.selected, disabled: o.disabled,
      }));
    } else if (type === "radio" || type === "checkbox") {
      options = group.map((g) => ({
        value: g.value,
        label: clip(labelText(g) || ariaText(g) || followingText(g) || nearbyText(g) || g.value, 160),
        selected: g.checked, disabled: g.disabled,
      }));
    }
    // A group is labelled by its legend or the text before its first member; a lone
    // checkbox by its own label.
    const first = group[0];
    const vis = visibility(first, group);
    let stepIndex = null;
    if (vis.stepRoot) {
      let i = stepRoots.indexOf(vis.stepRoot);
      if (i < 0) { stepRoots.push(vis.stepRoot); i = stepRoots.length - 1; }
      stepIndex = i + 1;
    }
    const shared = isGroup ? { part: "", whole: "" } : sharedLabel(el);
    const sources = {
      label: isGroup ? "" : labelText(el),
      aria_label: ariaText(isGroup ? (composedClosest(first, "[role=radiogroup], [role=group]") || first) : el),
      placeholder: clip(el.getAttribute("placeholder")),
      title: clip(el.getAttribute("title")),
      legend: legendText(first),
      cell: cellText(first) || shared.part,
      row: shared.whole,
      nearby: nearbyText(isGroup ? (first.closest("label") || first) : el),
      following: type === "checkbox" || type === "radio" ? followingText(first) : "",
    };
    const toggle = !isGroup && type === "checkbox";
    const best =
      (isGroup && sources.legend) || sources.label || sources.aria_label ||
      (toggle && sources.following) || sources.cell || sources.nearby || sources.placeholder ||
      sources.row || sources.title || (!isGroup ? sources.legend : "");
    const maxlength = el.maxLength && el.maxLength > 0 ? el.maxLength : null;
    fields.push({
      form_index: fi,
      selector: uniqueSelector(first, isGroup ? group : []),
      tag,
      kind,
      name: el.name || "",
      id: isGroup ? "" : el.id || "",
      label: clip(best),
      sources,
      options,
      // Many forms mark required fields only with an asterisk after the label.
      required: group.some((g) => g.required || g.getAttribute("aria-required") === "true")
        || [best, sources.cell, sources.nearby, shared.whole].some((t) => /\*\s*:?\s*$/.test(t || "")),
      autocomplete: norm(el.getAttribute("autocomplete")).toLowerCase(),
      maxlength,
      pattern: el.getAttribute("pattern") || "",
      inputmode: el.getAttribute("inputmode") || "",
      multiple: !!el.multiple || (type === "checkbox" && group.length > 1),
      visibility: vis.visibility,
      step: stepIndex,
      tabindex: el.hasAttribute("tabindex") ? parseInt(el.getAttribute("tabindex"), 10) : null,
      submits_natively: group.every((g) => ownerOf(g).native),
    });
  }
  return {
    url: location.href,
    forms: forms.map((f, i) => ({
      index: i,
      id: f.id || "",
      name: f.getAttribute("name") || "",
      action: f.getAttribute("action") || "",
      method: (f.getAttribute("method") || "get").toLowerCase(),
      submit_labels: submitLabels(f),
    })),
    fields,
  };
};
