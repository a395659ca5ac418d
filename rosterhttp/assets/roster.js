// Roster's Members tab works without this script; it adds a "select all"
// box, a Copy button, and moves focus to the message of the last action.
(function () {
	"use strict";
	function ready(fn) {
		if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
	}
	ready(function () {
		var all = document.getElementById("roster-select-all");
		if (all) {
			var boxes = document.querySelectorAll(".roster-row-check");
			all.hidden = boxes.length === 0;
			all.addEventListener("change", function () {
				boxes.forEach(function (b) { b.checked = all.checked; });
			});
		}
		document.querySelectorAll(".roster-copy").forEach(function (btn) {
			var src = document.getElementById(btn.getAttribute("data-copy"));
			if (!src || !navigator.clipboard) { return; }
			btn.hidden = false;
			btn.addEventListener("click", function () {
				navigator.clipboard.writeText(src.value).then(function () {
					var note = btn.parentNode.querySelector(".roster-copied");
					if (note) { note.textContent = "Copied."; }
				});
			});
		});
		var status = document.getElementById("roster-status");
		if (status && status.textContent.trim() !== "" && !document.querySelector("[autofocus]")) {
			status.focus();
		}
	});
})();
