// Keyboard shortcuts of the inbox (help: press "?"), and the bulk-action form's fields.
(function () {
  "use strict";

  function typing(event) {
    var target = event.target;
    return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("#conversation-rows tr.conversation-row"));
  }

  function current() {
    return document.querySelector("#conversation-rows tr.conversation-row.table-active");
  }

  function move(step) {
    var all = rows();
    if (!all.length) { return; }
    var index = all.indexOf(current());
    var next = all[Math.min(all.length - 1, Math.max(0, index + step))];
    all.forEach(function (row) { row.classList.remove("table-active"); });
    next.classList.add("table-active");
    next.scrollIntoView({block: "nearest"});
  }

  function submit(selector) {
    var form = document.querySelector(selector);
    if (form) { form.requestSubmit(); }
  }

  function go(selector) {
    var link = document.querySelector(selector);
    if (link) { window.location.href = link.href; }
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.id === "reply-text") {
      event.preventDefault();
      submit("#reply-form");
      return;
    }
    if (typing(event) || event.altKey || event.ctrlKey || event.metaKey) { return; }
    var row = current();
    switch (event.key) {
      case "j": if (rows().length) { move(1); } else { go("#next-conversation"); } break;
      case "k": move(-1); break;
      case "o": case "Enter": if (row) { window.location.href = row.dataset.url; } else { return; } break;
      case "x":
        if (row) { var box = row.querySelector(".row-select"); if (box) { box.checked = !box.checked; } }
        break;
      case "/": var search = document.getElementById("filter-q"); if (search) { search.focus(); } break;
      case "r": var reply = document.getElementById("reply-text"); if (reply) { reply.focus(); } break;
      case "a": submit("#assign-me-form"); break;
      case "e": submit("#close-form"); break;
      case "?":
        var help = document.getElementById("shortcuts-help");
        if (help && window.bootstrap) { window.bootstrap.Modal.getOrCreateInstance(help).toggle(); }
        break;
      default: return;
    }
    event.preventDefault();
  });

  // Bulk actions: show the field the chosen action needs; "select all" ticks the rows shown.
  document.addEventListener("change", function (event) {
    if (event.target.id === "bulk-action") {
      var action = event.target.value;
      var assignee = document.getElementById("bulk-assignee");
      var tag = document.getElementById("bulk-tag");
      if (assignee) { assignee.hidden = assignee.disabled = action !== "assign"; }
      if (tag) { tag.hidden = tag.disabled = action !== "tag" && action !== "untag"; }
    }
    if (event.target.id === "select-all") {
      rows().forEach(function (row) {
        var box = row.querySelector(".row-select");
        if (box) { box.checked = event.target.checked; }
      });
    }
  });
})();
