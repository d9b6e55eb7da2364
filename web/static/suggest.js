// Suggestions as you type, from GET /api/v1/suggest?q=. The page works without this
// file; if the endpoint is missing or fails, it stops asking and stays silent.
(function () {
  "use strict";
  var input = document.getElementById("q");
  var list = document.getElementById("q-suggestions");
  if (!input || !list || !window.fetch) return;
  var timer = null, off = false, last = "";

  function texts(body) {
    var items = (body && body.suggestions) || []; // docs/api.md: {"suggestions": [{"text": …}]}
    var out = [];
    for (var i = 0; i < items.length && out.length < 8; i++) {
      var it = items[i];
      var t = it && it.text;
      if (typeof t === "string" && t) out.push(t);
    }
    return out;
  }

  function fill(words) {
    while (list.firstChild) list.removeChild(list.firstChild);
    words.forEach(function (w) {
      var o = document.createElement("option");
      o.value = w; // text only: never HTML
      list.appendChild(o);
    });
  }

  function ask() {
    var q = input.value.trim();
    if (off || q.length < 2 || q === last) return;
    last = q;
    var lang = document.documentElement.lang || "";
    fetch("/api/v1/suggest?q=" + encodeURIComponent(q) + "&lang=" + encodeURIComponent(lang), {headers: {Accept: "application/json"}})
      .then(function (r) {
        if (r.status === 404 || r.status === 405 || r.status === 501) { off = true; return null; }
        return r.ok ? r.json() : null;
      })
      .then(function (body) { if (body && input.value.trim() === q) fill(texts(body)); })
      .catch(function () { /* offline or not there yet: no suggestions */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 200);
  });
})();
