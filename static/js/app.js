// Small behaviours shared by every page. Everything works without JavaScript; this only helps.
(function () {
  "use strict";

  // Warn before leaving a page with a form that has unsaved changes (marked data-unsaved-warning).
  let dirty = new Set();
  document.addEventListener("input", function (event) {
    const form = event.target.closest("form[data-unsaved-warning]");
    if (form) dirty.add(form);
  });
  document.addEventListener("submit", function (event) {
    dirty.delete(event.target);
  });
  document.addEventListener("htmx:beforeCleanupElement", function (event) {
    dirty.delete(event.target);
    event.target.querySelectorAll && event.target.querySelectorAll("form").forEach((f) => dirty.delete(f));
  });
  window.addEventListener("beforeunload", function (event) {
    dirty.forEach((form) => { if (!document.contains(form)) dirty.delete(form); });
    if (dirty.size > 0) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // The session expired during a save (401 + "session-expired"): sign in inside the page, then
  // send the same save again. The form stays as typed behind the dialog; nothing is lost.
  let waitingSave = null;
  document.body.addEventListener("session-expired", function (event) {
    waitingSave = event.detail && event.detail.elt ? event.detail.elt : null;
    const dialog = document.getElementById("session-dialog");
    if (!dialog) { window.location.reload(); return; }
    if (!dialog.open) dialog.showModal();
    const field = dialog.querySelector("input[name=username]");
    if (field) field.focus();
  });
  document.body.addEventListener("session-resumed", function (event) {
    const token = event.detail && event.detail.csrf;
    if (token) {
      // Signing in rotates the CSRF token: every form and htmx request takes the new one.
      document.body.setAttribute("hx-headers", JSON.stringify({ "X-CSRFToken": token }));
      document.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach((input) => { input.value = token; });
    }
    const dialog = document.getElementById("session-dialog");
    if (dialog && dialog.open) dialog.close();
    const save = waitingSave;
    waitingSave = null;
    if (!save || !document.contains(save)) return;
    if (save.tagName === "FORM") save.requestSubmit();
    else save.click();
  });

  // htmx: show server errors instead of swapping nothing.
  document.addEventListener("htmx:responseError", function (event) {
    const box = document.getElementById("messages");
    if (!box) return;
    const status = event.detail.xhr.status;
    if (status === 401) return;  // the in-page sign-in above takes over
    const text = status === 403 ? "この操作を行う権限がありません。"
      : status === 404 ? "対象が見つかりません。画面を読み込み直してください。"
      : status === 409 ? "ほかの人が先に更新しました。画面を読み込み直してください。"
      : status === 503 ? "データベースに接続できなかったため、保存できませんでした（途中まで保存されることはありません）。入力した内容はそのままです。少し待ってから、もう一度保存してください。"
      : "エラーが発生しました（" + status + "）。入力内容を控えてから、画面を読み込み直してください。";
    box.innerHTML = "";
    const p = document.createElement("p");
    p.className = "message message--error";
    p.textContent = text;
    box.appendChild(p);
  });
  document.addEventListener("htmx:sendError", function () {
    const box = document.getElementById("messages");
    if (box) box.innerHTML = '<p class="message message--error">サーバーに接続できません。ネットワークを確認してください。</p>';
  });
})();
