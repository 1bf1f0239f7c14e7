// Review pages: small helps only; every page works without JavaScript.
(function () {
  "use strict";

  // With JavaScript, selects submit themselves (htmx) and the "表示" buttons are not needed.
  document.documentElement.classList.add("js-reviews");

  // "文面をコピー": copy the reminder text; if the clipboard is refused, select it instead.
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-copy-target]");
    if (!button) return;
    const id = button.getAttribute("data-copy-target");
    const field = document.getElementById(id);
    const status = document.querySelector('[data-copy-status="' + id + '"]');
    if (!field) return;
    const done = function (text) { if (status) status.textContent = text; };
    const fallback = function () {
      field.focus();
      field.select();
      done("文面を選択しました。Ctrl+C（Mac は ⌘+C）でコピーしてください。");
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(function () {
        done("コピーしました。");
      }, fallback);
    } else {
      fallback();
    }
  });
})();
