// Client-side routes: the server answers every one with the same page.

type Render = (main: HTMLElement, params: string[]) => Promise<void>;
const routes: [RegExp, Render][] = [];
let current = 0;

export function route(re: RegExp, render: Render): void {
  routes.push([re, render]);
}

export function navigate(url: string): void {
  if (url === location.pathname + location.search) return;
  history.pushState(null, "", url);
  void render();
}

export async function render(): Promise<void> {
  const main = document.getElementById("main")!;
  const seq = ++current;
  for (const [re, fn] of routes) {
    const m = re.exec(location.pathname);
    if (!m) continue;
    main.setAttribute("aria-busy", "true");
    try {
      await fn(main, m.slice(1).map(decodeURIComponent));
    } catch (err) {
      if (seq !== current) return;
      main.replaceChildren();
      const p = document.createElement("p");
      p.className = "error";
      p.setAttribute("role", "alert");
      p.textContent = `Could not load this page: ${(err as Error).message}`;
      main.append(p);
    } finally {
      if (seq === current) {
        main.removeAttribute("aria-busy");
        document.body.dataset.ready = String(seq);
      }
    }
    return;
  }
  main.textContent = "Page not found.";
}

export function start(): void {
  window.addEventListener("popstate", () => void render());
  document.addEventListener("click", (e) => {
    const a = (e.target as Element).closest?.("a[data-route]") as HTMLAnchorElement | null;
    if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(a.pathname + a.search);
    document.getElementById("main")?.focus();
  });
  void render();
}
