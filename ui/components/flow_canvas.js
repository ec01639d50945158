// Designer canvas for ui/components/flow_canvas.py: states as nodes, transitions as edges, drawn by Vue Flow.
//
// Node fields: id, label, category (todo|in_progress|waiting|done|cancelled), initial, terminal, sla, errors,
// warnings, x, y, mark (null|added|removed|changed|visited|current). Edge fields: id, source, target, label, errors,
// warnings, mark. The `colours` prop holds each mark's colour per theme and its badge's text colour, as
// {light: {mark: colour}, dark: {mark: colour}, text: {light, dark}} (flow_canvas.py's MARK_COLOURS,
// MARK_COLOURS_DARK and MARK_TEXT, the one source). They become CSS variables, and the style sheet picks the
// light or dark ones by Quasar's body--dark class, so a live theme switch needs no code; arrowheads are markers
// of the component's own (Vue Flow's take a literal colour) and follow the same variables.
// The server owns the graph: every edit is reported with $emit and the server answers with set_graph. Vue Flow's
// store holds the graph only as drawn (positions move while a node is dragged); no edge or node is added, removed
// or kept here on the component's own initiative. All text is shown through {{ }} interpolation (never v-html);
// all words come from `labels`. Vue Flow and its style sheet come from the vendored bundle (vendor/vue-flow).
// With the `readonly` prop the component only shows (no palette, no dragging or connecting, no edit keys) and
// reports no gesture: only `select` (which changes nothing) and `layout` (when the server asks for one).
// Marks are shown in words too: a badge on the node, a word after the edge's label, and the accessible names
// ("Review (Changed)", "Submitted (Current state)").
import { markRaw, toRaw } from "vue";
import {
  Background, ControlButton, Controls, dagre, Handle, MiniMap, Position, useVueFlow, VueFlow,
} from "baton-vue-flow";

const CATEGORIES = ["todo", "in_progress", "waiting", "done", "cancelled"];
const CATEGORY_COLOURS = { todo: "#78909c", in_progress: "#1e88e5", waiting: "#f9a825", done: "#43a047",
  cancelled: "#9e9e9e" };
const EDGE_COLOURS = { plain: "#8a94a6", error: "#d32f2f" }; // a mark's colour comes from the `colours` prop
const MARKS = ["added", "removed", "changed", "visited", "current"];
const ARROWS = ["plain", "error", ...MARKS]; // one arrowhead marker each, coloured by the style sheet
const NODE_WIDTH = 184; // as .flowc-node's width; the height follows the label (about 60 px)
const NODE_HEIGHT = 60;
const PARALLEL_GAP = 34; // px between the midpoints of edges joining the same two states
const DND_TYPE = "application/x-baton-state";
const STYLE_ID = "baton-flow-canvas-style";
const SHEET_ID = "baton-vue-flow-css";
const SELECT_DEBOUNCE_MS = 60;
let flowCount = 0;

// The vendored style sheet, once per page; Vue Flow is rendered after it loaded, so nodes are measured as styled.
const STYLES_READY = loadSheet(import.meta.resolve("baton-vue-flow/index.css"));

// One state. `data` is the node dict from Python.
const FlowStateNode = {
  components: { Handle },
  template: `
<div class="flowc-node" :class="['flowc-cat--' + data.category, data.mark ? 'flowc-mark--' + data.mark : '']">
  <handle type="target" :position="left" :data-testid="'target-' + id" />
  <span v-if="data.mark" class="flowc-node__mark">{{ labels[data.mark] }}</span>
  <div class="flowc-node__head">
    <span v-if="data.initial" class="flowc-node__initial" role="img" :aria-label="labels.initial"
          :title="labels.initial"></span>
    <span class="flowc-node__label">{{ data.label }}</span>
    <span v-if="data.terminal" class="flowc-node__terminal" role="img" :aria-label="labels.terminal"
          :title="labels.terminal"></span>
  </div>
  <div class="flowc-node__meta">
    <span class="flowc-chip">{{ labels['category_' + data.category] }}</span>
    <span class="flowc-node__badges">
      <svg v-if="data.sla" class="flowc-clock" viewBox="0 0 16 16" role="img" :aria-label="labels.sla">
        <title>{{ labels.sla }}</title>
        <circle cx="8" cy="8" r="6.5" /><path d="M8 4.5V8l2.5 1.5" />
      </svg>
      <span v-if="data.errors > 0" class="flowc-badge flowc-badge--error" role="img"
            :aria-label="fill(labels.errors, { n: data.errors })" :title="fill(labels.errors, { n: data.errors })">{{ data.errors }}</span>
      <span v-else-if="data.warnings > 0" class="flowc-badge flowc-badge--warning" role="img"
            :aria-label="fill(labels.warnings, { n: data.warnings })"
            :title="fill(labels.warnings, { n: data.warnings })">{{ data.warnings }}</span>
    </span>
  </div>
  <handle type="source" :position="right" :data-testid="'source-' + id" />
</div>`,
  props: { id: String, data: Object, labels: Object },
  data() {
    return { left: Position.Left, right: Position.Right };
  },
  methods: { fill },
};

// One transition: a curve from the source's right handle to the target's left one, its label in the middle.
// Edges joining the same two states bow apart (`data.offset`), self-loops stack above their state (`data.loop`).
const FlowTransitionEdge = {
  template: `
<g class="flowc-edge" :class="[data.errors > 0 ? 'flowc-edge--error' : '', data.mark ? 'flowc-mark--' + data.mark : '']">
  <path class="vue-flow__edge-path flowc-edge__path" :d="geo.path" :marker-end="arrow" fill="none" />
  <path class="vue-flow__edge-interaction" :d="geo.path" fill="none" stroke-opacity="0" stroke-width="18" />
  <g v-if="data.label || badge || data.mark" class="flowc-edge__label" :transform="'translate(' + geo.lx + ' ' + geo.ly + ')'">
    <rect class="flowc-edge__bg" :x="-box / 2" y="-10" :width="box" height="20" rx="4" />
    <text ref="text" class="flowc-edge__text" :x="badge ? -9 : 0" text-anchor="middle" dy="0.35em"><tspan
      class="flowc-edge__name">{{ data.label }}</tspan><tspan v-if="data.mark" class="flowc-edge__mark"
      :dx="data.label ? 6 : 0">{{ labels[data.mark] }}</tspan></text>
    <g v-if="badge" class="flowc-edge__badge" :class="'flowc-edge__badge--' + badge.kind"
       :transform="'translate(' + (box / 2 - 10) + ' 0)'" role="img" :aria-label="badge.text">
      <title>{{ badge.text }}</title>
      <circle r="7.5" /><text text-anchor="middle" dy="0.35em">{{ badge.n }}</text>
    </g>
  </g>
</g>`,
  props: { id: String, data: Object, labels: Object, sourceX: Number, sourceY: Number, targetX: Number,
    targetY: Number, sourceNode: Object, arrows: String },
  data() {
    return { textWidth: 0 };
  },
  computed: {
    badge() {
      const d = this.data;
      if (d.errors > 0) return { kind: "error", n: d.errors, text: fill(this.labels.errors, { n: d.errors }) };
      if (d.warnings > 0) return { kind: "warning", n: d.warnings, text: fill(this.labels.warnings, { n: d.warnings }) };
      return null;
    },
    box() { // the label's background: measured text (estimated until measured), padding, room for the badge
      const shown = String(this.data.label || "") + (this.data.mark ? " " + (this.labels[this.data.mark] || "") : "");
      const text = this.textWidth || shown.length * 6.4;
      return Math.ceil(text) + 12 + (this.badge ? 18 : 0);
    },
    arrow() { // the component's marker for this edge (`arrows` is their ids' prefix)
      return `url(#${this.arrows}${this.data.errors > 0 ? "error" : this.data.mark || "plain"})`;
    },
    geo() {
      return edgeGeometry(this.sourceX, this.sourceY, this.targetX, this.targetY, this.data,
        (this.sourceNode && this.sourceNode.dimensions.height) || NODE_HEIGHT);
    },
  },
  mounted() {
    this.measure();
  },
  updated() {
    this.measure();
  },
  methods: {
    measure() {
      const el = this.$refs.text;
      const width = el && (this.data.label || this.data.mark) ? Math.ceil(el.getComputedTextLength()) : 0;
      if (width !== this.textWidth) this.textWidth = width;
    },
  },
};

export default {
  components: { VueFlow, Background, MiniMap, Controls, ControlButton, FlowStateNode, FlowTransitionEdge },
  template: `
<div class="flowc" :class="{ 'flowc--readonly': readonly }" :style="markColours" role="region"
     :aria-label="labels.canvas" @keydown="onKeydown" @keyup="onKeyup">
  <div v-if="!readonly" class="flowc__palette" role="group" :aria-label="labels.palette">
    <div class="flowc__palette-title" aria-hidden="true">{{ labels.palette }}</div>
    <button v-for="cat in categories" :key="cat" type="button" draggable="true" class="flowc-item"
            :class="'flowc-cat--' + cat" :aria-label="fill(labels.palette_item, { category: labels['category_' + cat] })"
            :title="labels.palette_hint" @dragstart="onPaletteDragStart($event, cat)" @dragend="paletteDrag = null"
            @click="addAtCentre(cat)">
      <span class="flowc-item__swatch" aria-hidden="true"></span>{{ labels['category_' + cat] }}
    </button>
    <div class="flowc__palette-hint" aria-hidden="true">{{ labels.palette_hint }}</div>
  </div>
  <div ref="canvas" class="flowc__canvas" tabindex="0" @dragover="onDragOver" @drop="onDrop"
       @pointermove="onPointerMove" @pointerleave="pointer = null">
    <vue-flow v-if="ready" :id="flowId" :delete-key-code="null" :multi-selection-key-code="multiKeys"
              connection-mode="strict" :min-zoom="0.2" :max-zoom="2.5" :nodes-draggable="!readonly"
              :nodes-connectable="!readonly" :edges-updatable="false"
              :nodes-focusable="true" :edges-focusable="true" :elevate-edges-on-select="true"
              @connect="onConnect" @node-drag-stop="onDragStop" @selection-drag-stop="onDragStop"
              @selection-end="onSelectionEnd" @nodes-initialized="onNodesInitialized">
      <template #node-state="p">
        <flow-state-node :id="p.id" :data="p.data" :labels="labels" />
      </template>
      <template #edge-transition="p">
        <flow-transition-edge :id="p.id" :data="p.data" :labels="labels" :source-x="p.sourceX" :source-y="p.sourceY"
                              :target-x="p.targetX" :target-y="p.targetY" :source-node="p.sourceNode"
                              :arrows="flowId + '-arrow-'" />
      </template>
      <background :gap="20" :size="1.2" />
      <mini-map pannable zoomable position="bottom-right" :width="150" :height="100" :aria-label="labels.minimap"
                :node-color="minimapColour" />
      <controls position="bottom-left" :show-zoom="false" :show-fit-view="false" :show-interactive="false">
        <control-button :title="labels.zoom_in" :aria-label="labels.zoom_in" @click="flow.zoomIn({ duration: 150 })">
          <svg viewBox="0 0 16 16" aria-hidden="true"><path d="M8 3v10M3 8h10" /></svg>
        </control-button>
        <control-button :title="labels.zoom_out" :aria-label="labels.zoom_out" @click="flow.zoomOut({ duration: 150 })">
          <svg viewBox="0 0 16 16" aria-hidden="true"><path d="M3 8h10" /></svg>
        </control-button>
        <control-button :title="labels.fit_view" :aria-label="labels.fit_view" @click="fit">
          <svg viewBox="0 0 16 16" aria-hidden="true"><path d="M2 6V2h4M10 2h4v4M14 10v4h-4M6 14H2v-4" /></svg>
        </control-button>
      </controls>
    </vue-flow>
    <svg class="flowc__defs" aria-hidden="true" focusable="false"><defs>
      <marker v-for="kind in arrows" :key="kind" :id="flowId + '-arrow-' + kind" :class="'flowc-arrow--' + kind"
              viewBox="-10 -10 20 20" refX="0" refY="0" markerWidth="14" markerHeight="14" orient="auto-start-reverse">
        <polyline class="flowc-arrow" points="-5,-4 0,0 -5,4 -5,-4" stroke-linecap="round" stroke-linejoin="round" />
      </marker>
    </defs></svg>
    <div v-if="empty && !readonly" class="flowc__empty" aria-hidden="true">{{ labels.empty }}</div>
    <template v-if="!readonly">
      <span :id="flowId + '-node-help'" class="flowc__help">{{ labels.node_help }}</span>
      <span :id="flowId + '-edge-help'" class="flowc__help">{{ labels.edge_help }}</span>
    </template>
  </div>
</div>`,
  props: { nodes: Array, edges: Array, labels: Object, readonly: { type: Boolean, default: false },
    colours: { type: Object, default: () => ({}) } },
  emits: ["add_node", "connect", "move", "select", "delete", "undo", "redo", "copy", "paste", "layout"],
  setup() {
    // The store is created here, before <vue-flow :id> mounts and joins it, so the graph can be set (and the
    // Python methods answered) whether or not Vue Flow is on screen yet.
    const flowId = `baton-flow-${++flowCount}`;
    return { flowId, flow: markRaw(useVueFlow(flowId)) };
  },
  data() {
    return { ready: false, empty: true, pointer: null, paletteDrag: null, categories: CATEGORIES, arrows: ARROWS,
      multiKeys: ["Shift", "Control", "Meta"] };
  },
  computed: {
    markColours() { // --fc-<theme>-<mark> and --fc-<theme>-text; the style sheet makes --fc-mark-<mark> of them
      const { light = {}, dark = {}, text = {} } = this.colours || {};
      return Object.fromEntries([
        ...Object.entries(light).map(([mark, colour]) => ["--fc-light-" + mark, colour]),
        ...Object.entries(dark).map(([mark, colour]) => ["--fc-dark-" + mark, colour]),
        ...Object.entries(text).map(([theme, colour]) => [`--fc-${theme}-text`, colour]),
      ]);
    },
  },
  watch: {
    labels() {
      this.apply(this.graph.nodes, this.graph.edges);
    },
  },
  created() {
    injectStyle();
    this.graph = { nodes: [], edges: [] };
    this.known = new Map(); // id → {x, y}: positions as the server last set them, to report only real moves
    this.sentSelection = "[[],[]]";
    this.selectTimer = null;
    this.autoFit = (this.nodes || []).length > 0; // fit once to the first graph; never again on its own
    this.apply(this.nodes, this.edges);
    // new props only when the whole element was sent again (update()); set_graph keeps them in step silently
    this.$watch(() => [this.nodes, this.edges], () => this.apply(this.nodes, this.edges));
    this.$watch(() => selectionKey(this.flow), () => {
      clearTimeout(this.selectTimer);
      this.selectTimer = setTimeout(() => this.reportSelection(), SELECT_DEBOUNCE_MS);
    });
  },
  mounted() {
    STYLES_READY.then(() => {
      this.ready = true;
    });
  },
  unmounted() {
    clearTimeout(this.selectTimer);
  },
  methods: {
    // ---- called from Python (element.run_method)
    set_graph(nodes, edges) {
      this.apply(nodes, edges);
    },
    select(ids) {
      const wanted = new Set((ids || []).map(String));
      const nodes = this.flow.nodes.value.filter((n) => wanted.has(n.id));
      const edges = this.flow.edges.value.filter((e) => wanted.has(e.id));
      this.flow.removeSelectedElements();
      if (nodes.length || edges.length) this.flow.addSelectedElements([...nodes, ...edges]);
      const shown = new Map(nodes.map((n) => [n.id, n]));
      for (const e of edges) {
        shown.set(e.sourceNode.id, e.sourceNode);
        shown.set(e.targetNode.id, e.targetNode);
      }
      if (!shown.size) return;
      const box = boundsOf([...shown.values()]);
      this.flow.setCenter((box.x1 + box.x2) / 2, (box.y1 + box.y2) / 2,
        { zoom: this.flow.viewport.value.zoom, duration: 200 });
    },
    fit() {
      this.flow.fitView({ padding: 0.2, maxZoom: 1, duration: 200 });
    },
    auto_layout() {
      const nodes = this.flow.nodes.value;
      const g = new dagre.graphlib.Graph({ multigraph: true });
      g.setGraph({ rankdir: "LR", ranker: "network-simplex", nodesep: 40, ranksep: 110, edgesep: 24,
        marginx: 0, marginy: 0 });
      g.setDefaultEdgeLabel(() => ({}));
      const size = new Map();
      for (const n of nodes) {
        const width = n.dimensions.width || NODE_WIDTH;
        const height = n.dimensions.height || NODE_HEIGHT;
        size.set(n.id, { width, height });
        g.setNode(n.id, { width, height });
      }
      for (const e of this.flow.edges.value) {
        if (e.source !== e.target) g.setEdge(e.source, e.target, { minlen: 1, weight: 1 }, e.id);
      }
      dagre.layout(g);
      const moves = nodes.map((n) => {
        const at = g.node(n.id);
        const { width, height } = size.get(n.id);
        return { id: n.id, x: Math.round(at.x - width / 2), y: Math.round(at.y - height / 2) };
      });
      this.$emit("layout", { moves });
    },
    // ---- the graph as the server sent it, handed to Vue Flow
    apply(nodes, edges) {
      const rawNodes = (toRaw(nodes) || []).map((n) => ({ ...toRaw(n) }));
      const rawEdges = (toRaw(edges) || []).map((e) => ({ ...toRaw(e) }));
      this.graph = { nodes: rawNodes, edges: rawEdges };
      const selectedNodes = new Set(this.flow.getSelectedNodes.value.map((n) => n.id));
      const selectedEdges = new Set(this.flow.getSelectedEdges.value.map((e) => e.id));
      const names = new Map(rawNodes.map((n) => [String(n.id), String(n.label)]));
      this.known = new Map(rawNodes.map((n) => [String(n.id), { x: Math.round(n.x), y: Math.round(n.y) }]));
      this.flow.setNodes(rawNodes.map((n) => this.toFlowNode(n, selectedNodes)));
      this.flow.setEdges(toFlowEdges(rawEdges, names, selectedEdges, this.labels, this.readonly ? null : this.flowId));
      this.empty = rawNodes.length === 0;
    },
    toFlowNode(n, selected) {
      const id = String(n.id);
      const live = this.flow.findNode(id);
      // a node being dragged stays under the pointer; its drag stop reports where it ended
      const position = live && live.dragging ? { ...live.position } : { x: Number(n.x) || 0, y: Number(n.y) || 0 };
      // read-only: no description at all (Vue Flow's own would tell how to move the node)
      const dom = { "data-testid": "node-" + id, "aria-describedby": this.readonly ? null : this.flowId + "-node-help" };
      return {
        id, type: "state", position, data: n, draggable: !this.readonly, connectable: !this.readonly,
        selected: selected.has(id), ariaLabel: marked(String(n.label), n.mark, this.labels), domAttributes: dom,
      };
    },
    minimapColour(node) {
      return CATEGORY_COLOURS[node.data && node.data.category] || CATEGORY_COLOURS.todo;
    },
    onNodesInitialized() {
      if (!this.autoFit) return;
      this.autoFit = false;
      this.flow.fitView({ padding: 0.2, maxZoom: 1 });
    },
    // ---- reporting what the person did
    onSelectionEnd() {
      // A selection box selects the edges Vue Flow finds connected to the enclosed nodes: some that leave the
      // box, and only one of several edges with the same ends (its connection lookup keys them by their ends).
      // Keep exactly the edges whose both ends were enclosed.
      const enclosed = new Set(this.flow.getSelectedNodes.value.map((n) => n.id));
      const changes = [];
      for (const e of this.flow.edges.value) {
        const inside = enclosed.has(e.source) && enclosed.has(e.target);
        if (Boolean(e.selected) !== inside) changes.push({ id: e.id, type: "select", selected: inside });
      }
      if (changes.length) this.flow.applyEdgeChanges(changes);
    },
    reportSelection() {
      if (this.flow.userSelectionActive.value) { // a selection box is being drawn: report where it ends
        this.selectTimer = setTimeout(() => this.reportSelection(), SELECT_DEBOUNCE_MS);
        return;
      }
      const key = selectionKey(this.flow);
      if (key === this.sentSelection) return;
      this.sentSelection = key;
      const [nodes, edges] = JSON.parse(key);
      this.$emit("select", { nodes, edges });
    },
    selectedIds() {
      return {
        nodes: this.flow.getSelectedNodes.value.map((n) => n.id),
        edges: this.flow.getSelectedEdges.value.map((e) => e.id),
      };
    },
    onConnect(connection) {
      if (this.readonly) return;
      this.$emit("connect", { source: connection.source, target: connection.target });
    },
    onDragStop(event) {
      this.reportMoves(event.nodes || (event.node ? [event.node] : []));
    },
    reportMoves(nodes) {
      if (this.readonly) return;
      const moves = [];
      for (const n of nodes) {
        const x = Math.round(n.position.x);
        const y = Math.round(n.position.y);
        const was = this.known.get(n.id);
        if (was && was.x === x && was.y === y) continue;
        this.known.set(n.id, { x, y });
        moves.push({ id: n.id, x, y });
      }
      if (moves.length) this.$emit("move", { moves });
    },
    // ---- the palette: drag a category onto the canvas, or press its button
    onPaletteDragStart(e, category) {
      this.paletteDrag = category;
      e.dataTransfer.effectAllowed = "copy";
      e.dataTransfer.setData(DND_TYPE, category);
      e.dataTransfer.setData("text/plain", this.labels["category_" + category] || category);
    },
    onDragOver(e) {
      if (this.readonly) return;
      if (!this.paletteDrag && !(e.dataTransfer && [...e.dataTransfer.types].includes(DND_TYPE))) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = "copy";
    },
    onDrop(e) {
      if (this.readonly) return;
      const category = (e.dataTransfer && e.dataTransfer.getData(DND_TYPE)) || this.paletteDrag;
      this.paletteDrag = null;
      if (!CATEGORIES.includes(category)) return;
      e.preventDefault();
      this.addAt(category, this.flow.screenToFlowCoordinate({ x: e.clientX, y: e.clientY }));
    },
    addAtCentre(category) {
      this.addAt(category, this.centre());
    },
    addAt(category, point) { // x, y: the new node's position (top left), so that it is centred on the point
      if (this.readonly) return;
      this.$emit("add_node", { category, x: Math.round(point.x - NODE_WIDTH / 2),
        y: Math.round(point.y - NODE_HEIGHT / 2) });
    },
    centre() {
      const box = this.$refs.canvas.getBoundingClientRect();
      return this.flow.screenToFlowCoordinate({ x: box.left + box.width / 2, y: box.top + box.height / 2 });
    },
    onPointerMove(e) {
      this.pointer = { x: e.clientX, y: e.clientY };
    },
    // ---- keyboard: only while focus is inside the component (the listeners are on its root)
    onKeydown(e) {
      if (this.readonly || isEditable(e.target)) return;
      const key = letterOf(e);
      if ((e.ctrlKey || e.metaKey) && !e.altKey) {
        const shift = e.shiftKey;
        if (key === "z" && !shift) this.$emit("undo", {});
        else if ((key === "z" && shift) || (key === "y" && !shift)) this.$emit("redo", {});
        else if (key === "c" && !shift) {
          const ids = this.selectedIds();
          if (!ids.nodes.length && !ids.edges.length) return;
          this.$emit("copy", ids);
        } else if (key === "v" && !shift) {
          const at = this.pointer ? this.flow.screenToFlowCoordinate(this.pointer) : this.centre();
          this.$emit("paste", { x: Math.round(at.x), y: Math.round(at.y) });
        } else return;
        e.preventDefault();
      } else if ((e.key === "Delete" || e.key === "Backspace") && !e.altKey && !e.shiftKey) {
        const ids = this.selectedIds();
        if (!ids.nodes.length && !ids.edges.length) return;
        e.preventDefault();
        this.$emit("delete", ids);
      }
    },
    onKeyup(e) {
      // Vue Flow moves selected nodes with the arrow keys (no drag events): report them as one move per key press
      if (!this.readonly && String(e.key || "").startsWith("Arrow") && !isEditable(e.target)) this.reportMoves(this.flow.getSelectedNodes.value);
    },
    fill,
  },
};

// Flow edges with what the edge component needs to keep parallel edges and self-loops apart. `helpId`: the id of
// the hidden help text the edges are described by (none when read-only).
function toFlowEdges(edges, names, selected, labels, helpId) {
  const groups = new Map(); // unordered pair of states → edge ids, in the server's order
  for (const e of edges) {
    const key = pairKey(String(e.source), String(e.target));
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(String(e.id));
  }
  return edges.map((e) => {
    const id = String(e.id);
    const source = String(e.source);
    const target = String(e.target);
    const group = groups.get(pairKey(source, target));
    const index = group.indexOf(id);
    return {
      id, source, target, type: "transition", selected: selected.has(id),
      data: { ...e, loop: source === target ? index : null, offset: index - (group.length - 1) / 2,
        flip: source > target },
      ariaLabel: marked(fill(labels.edge, { label: e.label || "", source: names.get(source), target: names.get(target) }),
        e.mark, labels),
      domAttributes: { "data-testid": "edge-" + id, "aria-describedby": helpId ? helpId + "-edge-help" : null },
    };
  });
}

function pairKey(a, b) {
  return a < b ? a + "\u0000" + b : b + "\u0000" + a;
}

// The path and label position of one edge. Edges that go forwards leave and enter their handles horizontally
// (a cubic Bézier with both control points halfway); parallel ones arc apart instead (a quadratic whose midpoint,
// where the label sits, is moved by the offset). Edges that go backwards swing out and round; moving both control
// points of a cubic by 4/3·v moves its midpoint by exactly v.
function edgeGeometry(sx, sy, tx, ty, d, sourceHeight) {
  if (d.loop !== null && d.loop !== undefined) { // above the state, one loop over the other
    const rise = (sourceHeight / 2 + 26 + d.loop * 26) * 4 / 3;
    const spread = 40 + d.loop * 16;
    return { path: `M${sx},${sy} C${sx + spread},${sy - rise} ${tx - spread},${ty - rise} ${tx},${ty}`,
      lx: (sx + tx) / 2, ly: sy - rise * 3 / 4 };
  }
  let ox = 0;
  let oy = 0;
  if (d.offset) { // perpendicular to the pair's canonical direction, so A→B and B→A bow to opposite sides
    const ux = d.flip ? sx - tx : tx - sx;
    const uy = d.flip ? sy - ty : ty - sy;
    const len = Math.hypot(ux, uy) || 1;
    ox = -uy / len * d.offset * PARALLEL_GAP;
    oy = ux / len * d.offset * PARALLEL_GAP;
  }
  const mx = (sx + tx) / 2;
  const my = (sy + ty) / 2;
  if (tx >= sx && d.offset) {
    return { path: `M${sx},${sy} Q${mx + 2 * ox},${my + 2 * oy} ${tx},${ty}`, lx: mx + ox, ly: my + oy };
  }
  const bend = tx >= sx ? (tx - sx) / 2 : Math.max((sx - tx) / 2, 60);
  const c1 = [sx + bend + ox * 4 / 3, sy + oy * 4 / 3];
  const c2 = [tx - bend + ox * 4 / 3, ty + oy * 4 / 3];
  return { path: `M${sx},${sy} C${c1[0]},${c1[1]} ${c2[0]},${c2[1]} ${tx},${ty}`,
    lx: (sx + 3 * c1[0] + 3 * c2[0] + tx) / 8, ly: (sy + 3 * c1[1] + 3 * c2[1] + ty) / 8 };
}

function boundsOf(nodes) {
  const box = { x1: Infinity, y1: Infinity, x2: -Infinity, y2: -Infinity };
  for (const n of nodes) {
    const { x, y } = n.computedPosition || n.position;
    box.x1 = Math.min(box.x1, x);
    box.y1 = Math.min(box.y1, y);
    box.x2 = Math.max(box.x2, x + (n.dimensions.width || NODE_WIDTH));
    box.y2 = Math.max(box.y2, y + (n.dimensions.height || NODE_HEIGHT));
  }
  return box;
}

function selectionKey(flow) {
  return JSON.stringify([flow.getSelectedNodes.value.map((n) => n.id), flow.getSelectedEdges.value.map((e) => e.id)]);
}

function letterOf(e) { // "z" for Ctrl+Z whatever the layout; e.code only where the key is no Latin letter
  if (/^[a-z]$/i.test(e.key)) return e.key.toLowerCase();
  return /^Key[A-Z]$/.test(e.code || "") ? e.code.slice(3).toLowerCase() : "";
}

function isEditable(el) {
  return el instanceof HTMLElement && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));
}

// An element's accessible name with its mark in words: "Review (Changed)"; unmarked, the name alone.
function marked(name, mark, labels) {
  return mark ? `${name} (${labels[mark] || mark})` : name;
}

function fill(text, values) {
  return String(text || "").replace(/\{(\w+)\}/g, (m, key) => (values[key] ?? m));
}

function loadSheet(href) {
  const existing = document.getElementById(SHEET_ID);
  if (existing) return existing.sheet ? Promise.resolve() : new Promise((resolve) => {
    existing.addEventListener("load", resolve, { once: true });
    existing.addEventListener("error", resolve, { once: true });
  });
  return new Promise((resolve) => {
    const link = document.createElement("link");
    link.id = SHEET_ID;
    link.rel = "stylesheet";
    link.href = href;
    link.addEventListener("load", resolve, { once: true });
    link.addEventListener("error", () => { // draw anyway, unstyled, rather than not at all
      console.error(`The Vue Flow style sheet did not load: ${href}`);
      resolve();
    }, { once: true });
    document.head.appendChild(link);
  });
}

function injectStyle() {
  if (document.getElementById(STYLE_ID)) return;
  const style = document.createElement("style");
  style.id = STYLE_ID;
  style.textContent = CSS;
  document.head.appendChild(style);
}

const CSS = `
.flowc {
  --fc-bg: #f7f8fa; --fc-panel: #ffffff; --fc-node: #ffffff; --fc-text: #1d2330; --fc-muted: #5f6b7a;
  --fc-border: #cfd6df; --fc-focus: #1565c0; --fc-select: #1976d2; --fc-edge: ${EDGE_COLOURS.plain}; --fc-dot: #c3c9d2;
  --fc-chip: #e3e7ee; --fc-mask: rgba(225, 229, 235, .65);
  --fc-error: ${EDGE_COLOURS.error}; --fc-warning: #f9a825; --fc-warning-text: #3d2800;
  --fc-cat-todo: ${CATEGORY_COLOURS.todo}; --fc-cat-in_progress: ${CATEGORY_COLOURS.in_progress};
  --fc-cat-waiting: ${CATEGORY_COLOURS.waiting}; --fc-cat-done: ${CATEGORY_COLOURS.done};
  --fc-cat-cancelled: ${CATEGORY_COLOURS.cancelled};
  ${MARKS.map((m) => `--fc-mark-${m}: var(--fc-light-${m});`).join(" ")} --fc-mark-text: var(--fc-light-text, #fff);
  display: flex; height: var(--flow-canvas-height, 100%); min-height: var(--flow-canvas-min-height, 360px);
  width: 100%; background: var(--fc-bg); color: var(--fc-text); font-size: 13px; line-height: 1.35;
  border: 1px solid var(--fc-border); border-radius: 4px; overflow: hidden;
}
body.body--dark .flowc {
  --fc-bg: #16181d; --fc-panel: #20242b; --fc-node: #2a2f38; --fc-text: #e4e7ec; --fc-muted: #9aa4b2;
  --fc-border: #3a404b; --fc-focus: #90caf9; --fc-select: #64b5f6; --fc-dot: #3a404b; --fc-chip: #39404b;
  --fc-mask: rgba(10, 12, 16, .6); --fc-warning-text: #2b1c00;
  ${MARKS.map((m) => `--fc-mark-${m}: var(--fc-dark-${m}, var(--fc-light-${m}));`).join(" ")}
  --fc-mark-text: var(--fc-dark-text, var(--fc-light-text, #fff));
}
.flowc__palette {
  flex: none; width: 168px; display: flex; flex-direction: column; gap: 6px; padding: 10px 8px;
  background: var(--fc-panel); border-right: 1px solid var(--fc-border); overflow-y: auto;
}
.flowc__palette-title { font-weight: 600; text-transform: uppercase; font-size: 11px; color: var(--fc-muted); }
.flowc__palette-hint { font-size: 11px; color: var(--fc-muted); margin-top: 4px; }
.flowc-item {
  display: flex; align-items: center; gap: 8px; width: 100%; padding: 7px 8px; border: 1px solid var(--fc-border);
  border-left: 4px solid var(--fc-cat); border-radius: 4px; background: var(--fc-node); color: inherit; font: inherit;
  text-align: left; cursor: grab;
}
.flowc-item:hover { border-color: var(--fc-cat); }
.flowc-item:focus-visible, .flowc__canvas:focus-visible { outline: 2px solid var(--fc-focus); outline-offset: -2px; }
.flowc-item__swatch { width: 10px; height: 10px; border-radius: 2px; background: var(--fc-cat); flex: none; }
.flowc-cat--todo { --fc-cat: var(--fc-cat-todo); }
.flowc-cat--in_progress { --fc-cat: var(--fc-cat-in_progress); }
.flowc-cat--waiting { --fc-cat: var(--fc-cat-waiting); }
.flowc-cat--done { --fc-cat: var(--fc-cat-done); }
.flowc-cat--cancelled { --fc-cat: var(--fc-cat-cancelled); }
.flowc__canvas { position: relative; flex: 1; min-width: 0; outline: none; }
.flowc__empty {
  position: absolute; inset: 0; display: flex; align-items: center; justify-content: center; pointer-events: none;
  color: var(--fc-muted); font-style: italic; z-index: 4;
}
.flowc__defs { position: absolute; width: 0; height: 0; overflow: hidden; }
.flowc-arrow { fill: var(--fc-mark, var(--fc-edge)); stroke: var(--fc-mark, var(--fc-edge)); stroke-width: 1; }
.flowc-arrow--error { --fc-mark: var(--fc-error); }
.flowc__help { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.flowc .vue-flow__background pattern circle { fill: var(--fc-dot); }
.flowc .vue-flow__minimap { background: var(--fc-panel); border: 1px solid var(--fc-border); }
.flowc .vue-flow__minimap-mask { fill: var(--fc-mask); }
.flowc .vue-flow__controls { box-shadow: none; border: 1px solid var(--fc-border); }
.flowc .vue-flow__controls-button { background: var(--fc-panel); border-bottom-color: var(--fc-border); }
.flowc .vue-flow__controls-button:hover { background: var(--fc-chip); }
.flowc .vue-flow__controls-button svg { fill: none; stroke: var(--fc-text); stroke-width: 1.6; max-width: 14px; max-height: 14px; }
.flowc .vue-flow__node-state { padding: 0; border: 0; background: none; }
.flowc .vue-flow__node:focus-visible { outline: none; }
.flowc-node {
  position: relative; width: ${NODE_WIDTH}px; box-sizing: border-box; padding: 6px 10px 6px 12px;
  background: var(--fc-node); color: var(--fc-text); border: 1px solid var(--fc-border); border-radius: 6px;
  box-shadow: inset 4px 0 0 var(--fc-cat), 0 1px 2px rgba(0, 0, 0, .12);
}
.vue-flow__node.selected > .flowc-node { border-color: var(--fc-select); box-shadow: inset 4px 0 0 var(--fc-cat), 0 0 0 2px var(--fc-select); }
.vue-flow__node:focus-visible > .flowc-node { outline: 2px dashed var(--fc-focus); outline-offset: 3px; }
.flowc-node__head { display: flex; align-items: center; gap: 6px; min-height: 20px; }
.flowc-node__label {
  flex: 1; min-width: 0; font-weight: 600; overflow: hidden; display: -webkit-box; -webkit-line-clamp: 2;
  -webkit-box-orient: vertical; overflow-wrap: anywhere;
}
.flowc-node__initial { width: 10px; height: 10px; border-radius: 50%; background: var(--fc-text); flex: none; }
.flowc-node__terminal {
  width: 12px; height: 12px; border-radius: 50%; border: 2px solid var(--fc-text); flex: none; box-sizing: border-box;
  background: radial-gradient(circle, var(--fc-text) 0 2.5px, transparent 3px);
}
.flowc-node__meta { display: flex; align-items: center; gap: 4px; margin-top: 4px; min-height: 18px; }
.flowc-node__badges { margin-left: auto; display: inline-flex; align-items: center; gap: 4px; }
.flowc-chip {
  display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 11px; line-height: 16px; white-space: nowrap;
  background: var(--fc-chip); color: var(--fc-text); max-width: 120px; overflow: hidden; text-overflow: ellipsis;
}
.flowc-chip::before {
  content: ""; display: inline-block; width: 7px; height: 7px; border-radius: 50%; margin-right: 4px;
  background: var(--fc-cat); vertical-align: 0;
}
.flowc-node__mark {
  position: absolute; top: -9px; right: 8px; padding: 0 6px; border-radius: 8px; font-size: 10px; line-height: 16px;
  font-weight: 600; color: var(--fc-mark-text); background: var(--fc-mark); max-width: 120px; overflow: hidden; text-overflow: ellipsis;
  white-space: nowrap;
}
.flowc-clock { width: 15px; height: 15px; fill: none; stroke: var(--fc-text); stroke-width: 1.6; stroke-linecap: round; }
.flowc-badge {
  min-width: 18px; height: 18px; padding: 0 5px; border-radius: 9px; font-size: 11px; font-weight: 700;
  line-height: 18px; text-align: center; box-sizing: border-box;
}
.flowc-badge--error { background: var(--fc-error); color: #fff; }
.flowc-badge--warning { background: var(--fc-warning); color: var(--fc-warning-text); }
.flowc-mark--added, .flowc-arrow--added { --fc-mark: var(--fc-mark-added); }
.flowc-mark--removed, .flowc-arrow--removed { --fc-mark: var(--fc-mark-removed); }
.flowc-mark--changed, .flowc-arrow--changed { --fc-mark: var(--fc-mark-changed); }
.flowc-mark--visited, .flowc-arrow--visited { --fc-mark: var(--fc-mark-visited); }
.flowc-mark--current, .flowc-arrow--current { --fc-mark: var(--fc-mark-current); }
.flowc-node.flowc-mark--added, .flowc-node.flowc-mark--changed, .flowc-node.flowc-mark--visited {
  border: 2px solid var(--fc-mark);
}
.flowc-node.flowc-mark--current {
  border: 3px solid var(--fc-mark);
  box-shadow: inset 4px 0 0 var(--fc-cat), 0 0 0 4px color-mix(in srgb, var(--fc-mark) 25%, transparent);
}
.flowc-node.flowc-mark--removed {
  border: 2px dashed var(--fc-mark); background: color-mix(in srgb, var(--fc-node) 55%, transparent);
  box-shadow: inset 4px 0 0 var(--fc-cat);
}
.flowc-node.flowc-mark--removed > .flowc-node__head, .flowc-node.flowc-mark--removed > .flowc-node__meta { opacity: .75; }
.flowc-node.flowc-mark--removed .flowc-node__label { text-decoration: line-through; }
.flowc--readonly .vue-flow__handle { visibility: hidden; }
.flowc--readonly .vue-flow__node { cursor: default; }
.flowc .vue-flow__handle { width: 10px; height: 10px; background: var(--fc-panel); border: 2px solid var(--fc-edge); }
.flowc .vue-flow__handle-right { right: -6px; }
.flowc .vue-flow__handle-left { left: -6px; }
.flowc .vue-flow__handle:hover, .flowc .vue-flow__handle.connecting { border-color: var(--fc-select); }
.flowc-edge__path { stroke: var(--fc-edge); stroke-width: 1.6; }
.flowc-edge--error .flowc-edge__path { stroke: var(--fc-error); }
.flowc-edge.flowc-mark--added .flowc-edge__path, .flowc-edge.flowc-mark--changed .flowc-edge__path,
.flowc-edge.flowc-mark--visited .flowc-edge__path { stroke: var(--fc-mark); stroke-width: 2.2; }
.flowc-edge.flowc-mark--current .flowc-edge__path { stroke: var(--fc-mark); stroke-width: 3; }
.flowc-edge.flowc-mark--removed .flowc-edge__path { stroke: var(--fc-mark); stroke-dasharray: 6 4; stroke-opacity: .8; }
.flowc-edge.flowc-mark--removed .flowc-edge__name { text-decoration: line-through; opacity: .75; }
.flowc-edge__mark { fill: var(--fc-mark); font-weight: 700; }
.vue-flow__edge.selected .flowc-edge__path { stroke: var(--fc-select); stroke-width: 2.6; }
.vue-flow__edge:focus-visible .flowc-edge__bg { stroke: var(--fc-focus); stroke-width: 2; }
.flowc-edge__bg { fill: var(--fc-panel); stroke: var(--fc-border); }
.vue-flow__edge.selected .flowc-edge__bg { stroke: var(--fc-select); }
.flowc-edge__text { fill: var(--fc-text); font-size: 11px; }
.flowc-edge__badge text { font-size: 10px; font-weight: 700; }
.flowc-edge__badge--error circle { fill: var(--fc-error); }
.flowc-edge__badge--error text { fill: #fff; }
.flowc-edge__badge--warning circle { fill: var(--fc-warning); }
.flowc-edge__badge--warning text { fill: var(--fc-warning-text); }
.flowc .vue-flow__edge { cursor: pointer; }
`;
