/* Keyboard shortcuts for the moderators' queue (the comment changelist).
 * j/k move between rows, Enter opens, a approves, r rejects (then 1-6 for the reason),
 * s marks as spam, f makes an editors' pick, u takes it out of the picks, ? shows the help.
 * An action ticks only the focused row and submits the changelist's own action form (CSRF
 * token included); after the reload the focus stays on the same position, which now holds
 * the next comment. */
"use strict";
(function () {
  const FOCUS_KEY = "moderation.queue.focus";
  const ACTION_FOR_KEY = { a: "approve", s: "mark_spam", f: "feature", u: "unfeature" };

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  ready(function () {
    const form = document.getElementById("changelist-form");
    const table = document.getElementById("result_list");
    if (!form || !table) { return; }
    const rows = Array.from(table.querySelectorAll("tbody tr"));
    const help = document.getElementById("mod-shortcuts");
    const reasons = document.getElementById("mod-reasons");
    const actionSelect = form.querySelector("select[name=action]");
    const reasonSelect = form.querySelector("select[name=reason]");
    let focused = -1;

    function focusRow(index) {
      if (!rows.length) { return; }
      index = Math.max(0, Math.min(index, rows.length - 1));
      if (focused >= 0 && rows[focused]) { rows[focused].classList.remove("mod-focused"); }
      focused = index;
      rows[focused].classList.add("mod-focused");
      rows[focused].scrollIntoView({ block: "nearest" });
      sessionStorage.setItem(FOCUS_KEY, String(focused));
    }

    function hasOption(select, value) {
      return select && Array.from(select.options).some(function (o) { return o.value === value; });
    }

    function applyToFocused(action, reason) {
      if (focused < 0 || !hasOption(actionSelect, action)) { return; }
      rows.forEach(function (row, i) {
        const box = row.querySelector("input.action-select");
        if (box) { box.checked = i === focused; }
      });
      actionSelect.value = action;
      if (reasonSelect) { reasonSelect.value = reason || ""; }
      const go = form.querySelector("button[name=index]");
      sessionStorage.setItem(FOCUS_KEY, String(focused));
      if (go) { go.click(); } else { form.submit(); }
    }

    function toggle(overlay, show) {
      if (overlay) { overlay.hidden = !show; }
    }

    document.querySelectorAll("[data-mod-help]").forEach(function (link) {
      link.addEventListener("click", function (event) { event.preventDefault(); toggle(help, help.hidden); });
    });

    document.addEventListener("keydown", function (event) {
      const target = event.target;
      if (event.ctrlKey || event.metaKey || event.altKey) { return; }
      if (target.closest && target.closest("input, textarea, select, [contenteditable]")) { return; }
      if (event.key === "Escape") { toggle(help, false); toggle(reasons, false); return; }
      if (reasons && !reasons.hidden) {
        const choice = reasons.querySelectorAll("[data-reason]")[Number(event.key) - 1];
        toggle(reasons, false);
        if (choice) { applyToFocused("reject", choice.dataset.reason); }
        event.preventDefault();
        return;
      }
      if (event.key === "?") { toggle(help, help.hidden); event.preventDefault(); return; }
      if (event.key === "j") { focusRow(focused + 1); }
      else if (event.key === "k") { focusRow(focused - 1); }
      else if (event.key === "Enter" && focused >= 0) {
        const link = rows[focused].querySelector("th a, td a");
        if (link) { window.location.href = link.href; }
      }
      else if (ACTION_FOR_KEY[event.key]) { applyToFocused(ACTION_FOR_KEY[event.key]); }
      else if (event.key === "r" && focused >= 0) { toggle(reasons, true); }
      else { return; }
      event.preventDefault();
    });

    const saved = Number(sessionStorage.getItem(FOCUS_KEY));
    if (rows.length) { focusRow(Number.isInteger(saved) && saved >= 0 ? saved : 0); }
  });
})();
