// The sheet editor's small helpers. Every page works without them (links and forms post back);
// they only add confirmations and tidy up rows edited in place with htmx.
(function () {
  "use strict";

  // Forms marked data-confirm ask first (submit, accept, revise). htmx forms use hx-confirm.
  document.addEventListener("submit", function (event) {
    const form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // "やめる" on a new, unsaved row: without JavaScript it is a link back to the sheet; here it
  // removes the row in place.
  document.addEventListener("click", function (event) {
    const cancel = event.target.closest("[data-remove-row]");
    if (!cancel) return;
    const row = cancel.closest("tr");
    if (!row) return;
    event.preventDefault();
    row.remove();
  });

  // Moving or renumbering redraws the whole table: rows still open for editing would close.
  function openEditors() {
    return document.querySelectorAll("#sheet-items form[data-unsaved-warning]");
  }
  document.addEventListener("htmx:confirm", function (event) {
    const source = event.detail.elt;
    if (!source || !source.closest("[data-replaces-items]")) return;
    if (openEditors().length === 0) return;
    event.preventDefault();
    if (window.confirm("編集中の行があります。保存していない入力は失われます。続けますか？")) {
      event.detail.issueRequest(true);
    }
  });

  // After a row is swapped back in, bring it into view (a long row's form may have scrolled).
  document.addEventListener("htmx:afterSwap", function (event) {
    const target = event.detail.target;
    if (!target || !target.classList || !target.classList.contains("item-row")) return;
    const row = document.getElementById(target.id) || target;
    if (row.getBoundingClientRect && row.getBoundingClientRect().top < 0) {
      row.scrollIntoView({ block: "start" });
    }
  });
})();
