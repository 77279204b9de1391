// The ticket page follows its ticket: each server-sent event is the page's
// live part rendered anew by the server (escaped there), put in place here.
(function () {
  var ticket = document.querySelector("[data-events]");
  var live = document.getElementById("live");
  if (!ticket || !live || !window.EventSource) return;
  var es = new EventSource(ticket.getAttribute("data-events"));
  es.addEventListener("update", function (e) { live.innerHTML = e.data; });
})();
