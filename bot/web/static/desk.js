// The live counter of the draft editor. It asks the server (/count), which counts with the bot's own
// textcount module, so the number shown is the number the bot enforces. No build step, no library.
"use strict";
(function () {
  var box = document.querySelector("textarea[data-counter]");
  if (!box) { return; }
  var out = document.getElementById(box.getAttribute("data-counter"));
  var csrf = document.querySelector("input[name=csrf]");
  var save = document.getElementById("save-text");
  var timer = null;
  var asked = 0;
  function show(result) {
    out.querySelector(".length").textContent = String(result.length);
    out.querySelector(".limit").textContent = String(result.limit);
    out.classList.toggle("over", !result.valid);
    out.setAttribute("data-valid", result.valid ? "yes" : "no");
    if (save) { save.setAttribute("aria-disabled", result.valid ? "false" : "true"); }
  }
  function ask() {
    var mine = ++asked;
    var body = new URLSearchParams({ text: box.value, platform: box.getAttribute("data-platform") || "x" });
    fetch("/count", {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf ? csrf.value : "" },
    }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (result) { if (result && mine === asked) { show(result); } })
      .catch(function () { /* the server re-checks on save anyway */ });
  }
  box.addEventListener("input", function () {
    out.setAttribute("data-valid", "pending");
    clearTimeout(timer);
    timer = setTimeout(ask, 150);
  });
  ask();
})();
