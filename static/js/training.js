// A tutorial's page (help/training_tutorial.html): playback speed, chapters that seek the
// video, and the "watched" mark sent by itself when the video reaches its end.
(function () {
  "use strict";
  var video = document.getElementById("tutorial-video");
  if (!video) {
    return;
  }

  function seek(start, play) {
    var go = function () {
      video.currentTime = start;
      if (play) {
        video.play().catch(function () {
          // The browser refused to start without a click on the video: it stays paused there.
        });
      }
    };
    if (video.readyState >= 1) {
      go();
    } else {
      video.addEventListener("loadedmetadata", go, { once: true });
    }
  }

  document.querySelectorAll("#tutorial-speeds [data-speed]").forEach(function (button) {
    button.addEventListener("click", function () {
      video.playbackRate = parseFloat(button.dataset.speed);
      document.querySelectorAll("#tutorial-speeds [data-speed]").forEach(function (other) {
        var pressed = other === button;
        other.setAttribute("aria-pressed", pressed ? "true" : "false");
        other.classList.toggle("btn-secondary", pressed);
        other.classList.toggle("btn-outline-secondary", !pressed);
      });
    });
  });

  document.querySelectorAll("#tutorial-chapters a[data-start]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      history.replaceState(null, "", link.getAttribute("href"));
      video.scrollIntoView({ block: "nearest" });
      seek(parseFloat(link.dataset.start), true);
    });
  });

  // Arriving at a chapter (the "?" of a screen links to #capitulo-N): the video waits there.
  var arrived = /^#capitulo-\d+$/.test(location.hash) &&
    document.querySelector(location.hash + "[data-start]");
  if (arrived) {
    seek(parseFloat(arrived.dataset.start), false);
    window.addEventListener("load", function () {
      video.scrollIntoView({ block: "nearest" });
    });
  }

  video.addEventListener("ended", function () {
    fetch(video.dataset.watchedUrl, {
      method: "POST",
      headers: { "X-CSRFToken": video.dataset.csrfToken, Accept: "application/json" },
      credentials: "same-origin",
    }).then(function (response) {
      if (!response.ok) {
        return;
      }
      document.getElementById("tutorial-watched").classList.remove("d-none");
      var form = document.getElementById("tutorial-watched-form");
      if (form) {
        form.remove();
      }
    });
  });
})();
