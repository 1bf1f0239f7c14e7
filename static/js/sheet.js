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

  // 共通 and 課 exclude each other (the services refuse both): while 共通 is ticked the section
  // boxes are disabled, not only faded, so that neither a click nor the keyboard can tick them.
  function syncCarriers(form) {
    const common = form.querySelector(".field--is_common input[type=checkbox]");
    if (!common) return;
    form.querySelectorAll(".item-form__sections input[type=checkbox]").forEach(function (box) {
      box.disabled = common.checked;
    });
  }
  document.addEventListener("change", function (event) {
    const form = event.target.closest(".item-form");
    if (form && event.target.closest(".field--is_common")) syncCarriers(form);
  });
  function syncAll(root) {
    (root.querySelectorAll ? root : document).querySelectorAll(".item-form").forEach(syncCarriers);
  }
  document.addEventListener("DOMContentLoaded", function () { syncAll(document); });
  document.addEventListener("htmx:load", function (event) { syncAll(event.detail.elt); });

  // Escape in a row open for editing cancels it, as its "やめる" does.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    const form = event.target.closest && event.target.closest("#sheet-items form, #sheet-dates");
    if (!form) return;
    const place = form.closest("tr") || form;
    const cancel = Array.from(place.querySelectorAll("a")).find(function (link) {
      return link.textContent.trim() === "やめる";
    });
    if (cancel) {
      event.preventDefault();
      // A row just swapped in may not be bound by htmx yet: bind it, or the click would only
      // follow the link's #fragment and leave the row open.
      if (window.htmx) window.htmx.process(cancel);
      cancel.click();
    }
  });

  // Focus after a swap: keyboard users stay where they were. A row opened for editing focuses
  // its first field; a row saved, cancelled or moved focuses its first link; a deleted row's
  // place goes to the next row (or the add link).
  let swapped = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    const target = event.detail.target;
    swapped = target && target.id ? { id: target.id, next: target.nextElementSibling } : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!swapped) return;
    const place = swapped;
    swapped = null;
    let element = document.getElementById(place.id);
    if (!element && place.next && document.contains(place.next)) element = place.next;
    if (!element) element = document.querySelector("#sheet-items a, #sheet-items button");
    if (!element) return;
    const field = element.querySelector("[autofocus]")
      || element.querySelector("textarea, input:not([type=hidden]), select");
    const control = field && element.querySelector("form") ? field : element.querySelector("a, button");
    if (control && typeof control.focus === "function") control.focus({ preventScroll: true });
  });
})();
