// Live correspondence: new messages of the person's threads arrive as
// Server-Sent Events. On a thread's page they are added to it; elsewhere
// they raise the unread count. The browser reconnects by itself and the
// server sends what was missed (Last-Event-ID).
(function () {
  "use strict";
  if (!window.EventSource) return;
  var thread = document.getElementById("thread");
  var list = document.getElementById("messages");
  var badge = document.getElementById("unread");
  var lang = document.documentElement.lang || "az";
  var me = thread ? thread.getAttribute("data-org") : "";
  var url = "/threads/events";
  if (thread) url += "?after=" + encodeURIComponent(thread.getAttribute("data-last") || "0");
  var source = new EventSource(url);
  source.addEventListener("open", function () { document.documentElement.setAttribute("data-live", "1"); });

  function text(tag, cls, s) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    el.textContent = s;
    return el;
  }

  function bump() {
    if (!badge) return;
    var n = (parseInt(badge.getAttribute("data-count"), 10) || 0) + 1;
    badge.setAttribute("data-count", String(n));
    badge.textContent = String(n);
    badge.hidden = false;
  }

  function add(m) {
    var first = m.edit_of || m.id;
    var existing = document.getElementById("m" + first);
    if (m.edit_of && existing) {
      var body = existing.querySelector(".body");
      if (body) body.textContent = m.body;
      return;
    }
    if (document.getElementById("m" + m.id)) return;
    var li = document.createElement("li");
    li.id = "m" + m.id;
    li.setAttribute("data-id", String(m.id));
    li.className = "msg live" + (m.org === me ? " own" : "");
    var org = (m.org_name && m.org_name[lang]) || m.org;
    if (m.kind !== "message") {
      li.className += " event";
      var p = text("p", "", m.author + " (" + org + ") · " + m.time + " · ");
      var a = text("a", "", "↻");
      a.href = location.pathname;
      p.appendChild(a);
      li.appendChild(p);
    } else {
      var who = document.createElement("p");
      who.className = "who";
      who.appendChild(text("strong", "", m.author));
      who.appendChild(document.createTextNode(" · " + org + " · " + m.time));
      li.appendChild(who);
      li.appendChild(text("p", "body", m.body));
      if (m.files && m.files.length) {
        var ul = document.createElement("ul");
        ul.className = "files";
        m.files.forEach(function (f) {
          var fl = document.createElement("li");
          var fa = text("a", "", f.name);
          fa.href = "/files/" + f.id;
          fl.appendChild(fa);
          ul.appendChild(fl);
        });
        li.appendChild(ul);
      }
    }
    list.appendChild(li);
  }

  source.addEventListener("message", function (e) {
    var m;
    try { m = JSON.parse(e.data); } catch (err) { return; }
    if (thread && list && String(m.thread) === thread.getAttribute("data-thread")) {
      add(m);
      return;
    }
    if (m.org !== me && m.kind === "message") {
      bump();
      var card = document.querySelector('#threads [data-thread="' + m.thread + '"]');
      if (card) card.classList.add("unread");
    }
  });
})();
