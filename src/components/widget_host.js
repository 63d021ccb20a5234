// Starts a widget frame (src/components/widget_host.rs) with the widgets bundle
// at `url`: the bundle's `page` on a widget page (its token clock and the
// page's live marker too), its `host` from the lab's island. If the bundle
// itself does not load, the loading line says so: nothing of it is there to.
export function startFrame(url, frame, page) {
  let stop = null;
  let gone = false;
  import(url).then(
    (m) => {
      if (!gone) stop = page ? m.page(frame) : m.host(frame);
    },
    (e) => {
      const line = frame.querySelector("[data-testid=widget-loading]");
      if (line) {
        line.textContent = `The widget could not load: the widgets bundle did not (${e.message}). Reload the page; if it keeps failing, this deployment is missing its widgets bundle (make build).`;
        line.setAttribute("role", "alert");
        line.dataset.error = "widget";
      }
      if (page) document.body.dataset.hydrated = "true";
    },
  );
  return () => {
    gone = true;
    stop?.();
  };
}
