// Progressive enhancement: "Reply" moves the form under the comment without a page load.
// Without JavaScript the same links reload the page in reply mode.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest(".mod-comment__reply, #cancel-comment-reply-link");
    if (!link) return;
    var respond = document.getElementById("respond");
    var form = document.getElementById("commentform");
    if (!respond || !form) return;
    event.preventDefault();
    var replying = link.classList.contains("mod-comment__reply");
    var cancel = document.getElementById("cancel-comment-reply-link");
    form.elements.parent.value = replying ? link.dataset.commentId : "";
    respond.querySelector(".mod-respond__leave").hidden = replying;
    // Italian writes "Rispondi ad Anna" but "Rispondi a Marco": the form has both titles.
    var author = replying ? link.dataset.author : "";
    var beforeA = author.trim().normalize("NFD").charAt(0).toLowerCase() === "a";
    respond.querySelectorAll(".mod-respond__to").forEach(function (title) {
      title.hidden = !replying || (title.dataset.beforeA === "true") !== beforeA;
      title.querySelector(".mod-respond__name").textContent = author;
    });
    cancel.hidden = !replying;
    if (replying) {
      link.closest(".mod-comment__body").after(respond);
    } else {
      document.getElementById("comments").appendChild(respond);
    }
    form.elements.comment.focus();
  });
})();

// A second thought before posting: "Edit" puts the reader back in the comment box.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var edit = event.target.closest(".mod-second-thought__edit");
    if (!edit) return;
    event.preventDefault();
    edit.closest(".mod-second-thought").hidden = true;
    document.getElementById("comment").focus();
  });
})();

// New comments while the page is open: ask the section's live address now and then (less
// often while nothing changes or the site does not answer, never in a hidden tab), offer
// "N new comments — show" in a polite live region, and insert them in place when asked:
// replies under their parent, new threads at the end (at the top, newest first).
(function () {
  "use strict";
  var region = document.querySelector(".mod-live[data-url]");
  if (!region || !window.fetch || !window.JSON) return;
  var first = Number(region.dataset.poll) * 1000;
  var longest = Number(region.dataset.pollMax) * 1000;
  var delay = first;
  var after = region.dataset.after;
  var waiting = null;
  var timer = null;
  var newestFirst = region.hasAttribute("data-newest-first");

  function later() {
    clearTimeout(timer);
    timer = document.hidden ? null : setTimeout(check, delay);
  }

  function slowDown() {
    delay = Math.min(delay * 2, longest);
  }

  function unseen(data) {
    return data.comments.filter(function (item) {
      return !document.getElementById("comment-" + item.id);
    });
  }

  function offer(data) {
    waiting = data;
    var button = region.querySelector("button");
    if (!button) {
      button = document.createElement("button");
      button.type = "button";
      button.className = "mod-live__show";
      button.addEventListener("click", show);
      region.appendChild(button);
    }
    button.textContent = data.notice;
  }

  function check() {
    fetch(region.dataset.url + "?after=" + encodeURIComponent(after), {
      credentials: "omit",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        var changed = !waiting || waiting.last_id !== data.last_id;
        if (unseen(data).length && changed) {
          offer(data);
          delay = first;
        } else {
          slowDown();
        }
      }, slowDown)
      .then(later);
  }

  function listUnder(parent) {
    var list = parent.querySelector(":scope > ol");
    if (!list) {
      list = document.createElement("ol");
      list.className = parent.id === "comments"
        ? "mod-comment-list"
        : "mod-comment-list mod-comment-list--children";
      if (parent.id === "comments") parent.insertBefore(list, region);
      else parent.appendChild(list);
    }
    return list;
  }

  function show() {
    var data = waiting;
    var inserted = [];
    unseen(data).forEach(function (item) {
      var parent = item.parent
        ? document.getElementById("comment-" + item.parent)
        : document.getElementById("comments");
      if (!parent) return; // a reply to a comment on another page
      var holder = document.createElement("ol");
      holder.innerHTML = item.html;
      var comment = holder.querySelector("li");
      var list = listUnder(parent);
      if (newestFirst && !item.parent) list.insertBefore(comment, list.firstChild);
      else list.appendChild(comment);
      inserted.push(comment);
    });
    var title = document.getElementById("comments-title");
    if (title) {
      title.textContent = data.title;
      title.classList.remove("visually-hidden");
    }
    after = data.last_id;
    waiting = null;
    region.textContent = "";
    if (inserted.length) {
      var top = inserted.reduce(function (a, b) {
        return a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_PRECEDING ? b : a;
      });
      top.tabIndex = -1;
      top.focus();
    }
    delay = first;
    later();
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      clearTimeout(timer);
      timer = null;
    } else {
      delay = first;
      check();
    }
  });
  later();
})();
