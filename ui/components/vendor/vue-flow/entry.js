// The one module Baton's designer canvas imports (ui/components/flow_canvas.js): `npm run build`
// writes dist/index.js and, from the style sheets imported here, dist/index.css.
import "@vue-flow/core/dist/style.css";
import "@vue-flow/core/dist/theme-default.css";
import "@vue-flow/minimap/dist/style.css";
import "@vue-flow/controls/dist/style.css";

export * from "@vue-flow/core";
export { MiniMap } from "@vue-flow/minimap";
export { Controls, ControlButton } from "@vue-flow/controls";
export { Background } from "@vue-flow/background";
export { default as dagre } from "@dagrejs/dagre";
