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
