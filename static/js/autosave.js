// Saves each answer soon after it changes; without JavaScript the buttons save the page.
//
// What the page shows as saved is only what the server confirmed it stored:
// - one request at a time per question, built when it leaves (not when the field changed);
// - what the user changes while a request is in flight is measured against what that request
//   SENT, not against the old reference: going back to the stored value is a change too, sent
//   as soon as the answer comes back (the page never shows the server's echo over it);
// - each request carries the stored value the page last saw (the hidden « initial- » field),
//   and the server refuses to overwrite a colleague's newer answer (409, with their version);
// - the reference is updated from the server's answer, never from what the field shows;
// - what is not confirmed yet is kept in localStorage and sent again after a reload,
//   a reconnection or a new login.
(function () {
  "use strict";
  var form = document.querySelector("[data-autosave-form]");
  if (!form || !window.fetch) return;
  var msg = form.dataset;
  var banner = document.querySelector("[data-autosave-banner]");
  var storeKey = "snut:" + form.dataset.diagnostic + ":";
  var KEYBOARD_DELAY = 800, TYPING_DELAY = 1200;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : form.querySelector("input[name=csrfmiddlewaretoken]").value;
  }

  function store() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function Question(fieldset) {
    this.fieldset = fieldset;
    this.id = fieldset.dataset.question;
    this.url = fieldset.dataset.autosaveUrl;
    this.status = fieldset.querySelector("[data-saved]");
    this.conflictBox = fieldset.querySelector("[data-conflict]");
    this.textarea = fieldset.querySelector("textarea");
    this.baseChoice = fieldset.querySelector("input[data-initial][name^='initial-q-']");
    this.baseComment = fieldset.querySelector("input[data-initial][name^='initial-c-']");
    this.inflight = null;  // what the request in flight sent: {choice, comment, confirm}
    this.confirm = false;
    this.savedText = "";
    this.timer = null;
    this.retry = 0;
  }

  Question.prototype.choice = function () {
    var checked = this.fieldset.querySelector("input[type=radio]:checked");
    return checked ? checked.value : "";
  };
  Question.prototype.comment = function () { return this.textarea ? this.textarea.value : ""; };
  Question.prototype.choiceDirty = function () {
    return this.choice() !== "" && this.choice() !== this.baseChoice.value;
  };
  Question.prototype.commentDirty = function () {
    return !!this.textarea && this.comment().trim() !== this.baseComment.value.trim();
  };
  Question.prototype.dirty = function () {
    return this.choiceDirty() || this.commentDirty() || this.confirm;
  };

  Question.prototype.remember = function () {
    var s = store();
    if (!s) return;
    if (this.dirty()) {
      s.setItem(storeKey + this.id, JSON.stringify({
        choice: this.choice(), comment: this.comment(), confirm: this.confirm,
        baseChoice: this.baseChoice.value, baseComment: this.baseComment.value
      }));
    } else {
      s.removeItem(storeKey + this.id);
    }
  };

  Question.prototype.show = function (text, state) {
    this.status.textContent = text;
    this.status.className = "snut-saved small mb-0 mt-2 is-" + state;
    this.status.setAttribute("role", state === "error" ? "alert" : "status");
  };

  Question.prototype.schedule = function (delay) {
    var self = this;
    clearTimeout(this.timer);
    this.remember();
    this.show(msg.msgPending, "pending");
    this.timer = setTimeout(function () { self.flush(); }, delay);
  };

  Question.prototype.flush = function () {
    clearTimeout(this.timer);
    if (this.inflight) return;  // its answer sends what changed meanwhile
    if (!this.dirty()) { this.remember(); this.show(this.savedText, "saved"); return; }
    var self = this;
    var data = new FormData();
    var sent = { choice: null, comment: null, confirm: this.confirm };
    data.append("csrfmiddlewaretoken", csrfToken());
    // Only the fields the user touched: the other one may be a colleague's to change.
    if (this.choiceDirty() || this.confirm) {
      sent.choice = this.choice();
      data.append(this.baseChoice.name.replace(/^initial-/, ""), sent.choice);
      data.append(this.baseChoice.name, this.baseChoice.value);
    }
    if (this.commentDirty()) {
      sent.comment = this.comment();
      data.append(this.textarea.name, sent.comment);
      data.append(this.baseComment.name, this.baseComment.value);
    }
    if (this.confirm) data.append("confirm-" + this.id, "1");
    this.inflight = sent;
    this.show(msg.msgSaving, "pending");
    fetch(this.url, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest", "Accept": "application/json", "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) {
        return { status: response.status, body: { error: msg.msgExpired, expired: true } };
      }
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    }).then(function (result) {
      self.handle(result.status, result.body, sent);
    }).catch(function () {
      self.inflight = null;
      self.offline();
    });
  };

  Question.prototype.focusChoice = function () {
    var radio = this.fieldset.querySelector("input[type=radio]:checked") ||
      this.fieldset.querySelector("input[type=radio]");
    if (radio) radio.focus();
  };

  Question.prototype.setChoice = function (value) {
    this.fieldset.querySelectorAll("input[type=radio]").forEach(function (r) { r.checked = r.value === value; });
  };

  Question.prototype.accept = function (answer, sent) {
    // The server's stored answer becomes the page's reference; a field the user has not
    // touched shows it too (a colleague may have changed it). Touched means changed since
    // the page last knew the field: since the request sent it, or else since the reference.
    var choiceRef = sent && sent.choice !== null ? sent.choice : this.baseChoice.value;
    var commentRef = sent && sent.comment !== null ? sent.comment : this.baseComment.value;
    var choiceClean = this.choice() === "" || this.choice() === choiceRef;
    var commentClean = !this.textarea || this.comment().trim() === commentRef.trim();
    this.baseChoice.value = answer.choice;
    this.baseComment.value = answer.comment;
    if (choiceClean) this.setChoice(answer.choice);
    if (commentClean && this.textarea && this.textarea.value.trim() !== answer.comment) {
      this.textarea.value = answer.comment;
    }
    // A « Confirmer » clicked while another request was in flight is still to be sent.
    if (!sent || sent.confirm) this.confirm = false;
    if (!answer.carried_over) {
      var carried = this.fieldset.querySelector("[data-carried]");
      if (carried) {
        // « Confirmer cette réponse » goes with its note: its focus goes to the answer it confirmed.
        var focused = carried.contains(document.activeElement);
        carried.remove();
        if (focused) this.focusChoice();
      }
      this.fieldset.classList.remove("is-carried");
    }
  };

  Question.prototype.handle = function (status, body, sent) {
    this.inflight = null;
    if (status === 200) {
      this.retry = 0;
      this.accept(body.answer, sent);
      this.clearConflict();
      this.remember();
      progress(body);
      this.savedText = "✓ " + body.saved;
      if (this.dirty()) { this.flush(); return; }
      this.show(this.savedText, "saved");
      return;
    }
    if (status === 409 && body.conflict) { this.conflict(body); return; }
    if (status === 401) { expired(body); this.show(msg.msgFailed + " " + body.error, "error"); return; }
    if (status === 409 && body.closed) { closed(body.error); return; }
    if (status >= 500) { this.offline(); return; }
    if (body.expired) { alertBanner(body.error); }
    this.show(msg.msgFailed + " " + body.error, "error");
  };

  Question.prototype.offline = function () {
    var self = this;
    this.remember();
    this.show(msg.msgOffline, "error");
    this.retry = Math.min(this.retry + 1, 5);
    clearTimeout(this.timer);
    this.timer = setTimeout(function () { self.flush(); }, 1000 * Math.pow(2, this.retry));
  };

  Question.prototype.clearConflict = function () {
    this.conflictBox.classList.add("d-none");
    this.conflictBox.textContent = "";
  };

  Question.prototype.conflict = function (body) {
    var self = this, theirs = body.conflict;
    var box = this.conflictBox;
    box.textContent = "";
    var title = document.createElement("p");
    title.className = "fw-semibold mb-2";
    title.textContent = body.error;
    box.appendChild(title);
    var list = document.createElement("dl");
    function row(label, value) {
      var dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = label; dd.textContent = value || msg.msgNone;
      list.appendChild(dt); list.appendChild(dd);
    }
    var mine = this.fieldset.querySelector("input[type=radio]:checked");
    if (theirs.fields.indexOf("choice") !== -1) {
      row(msg.msgConflictTheirs + " — " + msg.msgChoice, theirs.choice_label);
      row(msg.msgConflictYours + " — " + msg.msgChoice, mine ? mine.nextElementSibling.textContent : "");
    }
    if (theirs.fields.indexOf("comment") !== -1) {
      row(msg.msgConflictTheirs + " — " + msg.msgComment, theirs.comment);
      row(msg.msgConflictYours + " — " + msg.msgComment, this.comment());
    }
    box.appendChild(list);
    var keep = document.createElement("button"), take = document.createElement("button");
    keep.type = take.type = "button";
    keep.className = "btn btn-sm btn-primary me-2";
    take.className = "btn btn-sm btn-outline-primary";
    keep.textContent = msg.msgKeep;
    take.textContent = msg.msgTake;
    keep.addEventListener("click", function () {
      self.accept(theirs);  // their version is now the one we knowingly replace
      self.clearConflict();
      self.flush();
    });
    take.addEventListener("click", function () {
      self.setChoice(theirs.choice);
      if (self.textarea) self.textarea.value = theirs.comment;
      self.accept(theirs);
      self.clearConflict();
      self.remember();
      self.show("✓ " + msg.msgTake, "saved");
    });
    box.appendChild(keep);
    box.appendChild(take);
    box.classList.remove("d-none");
    this.show(msg.msgFailed + " " + body.error, "error");
  };

  function alertBanner(text, link) {
    if (!banner) return;
    banner.textContent = text + " ";
    if (link) {
      var a = document.createElement("a");
      a.href = link; a.className = "alert-link"; a.textContent = msg.msgLogin;
      banner.appendChild(a);
    }
    banner.classList.remove("d-none");
    banner.focus();
  }

  function expired(body) {
    var here = window.location.pathname + window.location.search;
    var url = body.login_url ? body.login_url.split("?")[0] + "?next=" + encodeURIComponent(here) : null;
    alertBanner(body.error, url);
  }

  function closed(text) {
    alertBanner(text);
    form.querySelectorAll("fieldset[data-question]").forEach(function (f) { f.disabled = true; });
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
  }

  function progress(body) {
    var step = document.querySelector(".snut-step[data-axis='" + body.axis.code + "']");
    if (step) {
      var count = step.querySelector("[data-axis-count]");
      if (count) count.textContent = body.axis.answered + "/" + body.axis.total;
      step.classList.toggle("is-complete", body.axis.answered === body.axis.total);
    }
    var bar = document.querySelector("[data-overall-bar]");
    if (bar) {
      bar.style.width = body.overall_percent + "%";
      bar.parentElement.setAttribute("aria-valuenow", body.overall_percent);
      document.querySelector("[data-overall-label]").textContent = body.overall_percent + " %";
    }
  }

  var questions = [];
  form.querySelectorAll("fieldset[data-autosave-url]").forEach(function (fieldset) {
    var q = new Question(fieldset);
    questions.push(q);
    var lastKey = 0;
    fieldset.addEventListener("keydown", function (e) {
      if (/^Arrow/.test(e.key)) lastKey = Date.now();
    });
    fieldset.addEventListener("change", function (e) {
      if (e.target.type !== "radio") return;
      // Arrow keys move through the options: wait until the keyboard user settles.
      q.schedule(Date.now() - lastKey < 300 ? KEYBOARD_DELAY : 0);
    });
    if (q.textarea) {
      q.textarea.addEventListener("input", function () { q.schedule(TYPING_DELAY); });
      q.textarea.addEventListener("blur", function () { if (q.dirty()) q.flush(); });
    }
    var confirmButton = fieldset.querySelector("[data-confirm]");
    if (confirmButton) {
      confirmButton.addEventListener("click", function (e) {
        e.preventDefault();
        q.confirm = true;
        q.flush();
      });
    }
    // Answers this browser had not got confirmed (closed tab, lost connection, expired session).
    var s = store();
    var saved = s && s.getItem(storeKey + q.id);
    if (saved) {
      try {
        var pending = JSON.parse(saved);
        if (pending.choice) q.setChoice(pending.choice);
        if (q.textarea && pending.comment) {
          q.textarea.value = pending.comment;
          q.textarea.closest("details").open = true;
        }
        q.baseChoice.value = pending.baseChoice;
        q.baseComment.value = pending.baseComment;
        q.confirm = !!pending.confirm;
        q.flush();
      } catch (err) { s.removeItem(storeKey + q.id); }
    }
  });

  window.addEventListener("online", function () {
    questions.forEach(function (q) { if (q.dirty() && !q.inflight) q.flush(); });
  });
  form.addEventListener("submit", function () {
    // The page's own save takes over: forget what it sends.
    questions.forEach(function (q) { clearTimeout(q.timer); var s = store(); if (s) s.removeItem(storeKey + q.id); });
    window.removeEventListener("beforeunload", warn);
  });
  function warn(e) {
    if (questions.some(function (q) { return q.dirty() || q.inflight; })) {
      e.preventDefault();
      e.returnValue = msg.msgLeave;
      return msg.msgLeave;
    }
  }
  window.addEventListener("beforeunload", warn);
})();
