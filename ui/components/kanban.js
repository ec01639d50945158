// Kanban board for ui/components/kanban.py: every card of a board in one Vue component.
//
// Columns: id, label, category (todo|in_progress|waiting|done|cancelled), wip; runs of one category share a
// group header named from `categories` (category -> translated name).
// Card fields: id, ref, title, state (column id), version, priority (low|normal|high|urgent),
// priority_label, assignee, assignee_id, initials, vendor, vendor_id, tags [str], days, flag (a short
// warning shown as a red chip, e.g. an asset that is down; optional),
// targets [column ids the viewer may drop it on], blocked {column id: why it is disabled}.
// All text is shown through {{ }} interpolation (never v-html); all words come from `labels`.
// Cards live in a plain Map (no per-card watchers); `rev` tells the computed grouping to rerun,
// and v-memo (per cell component) lets an unchanged card skip re-rendering during drags and updates.
import { nextTick, toRaw } from "vue";

const PRIORITIES = ["urgent", "high", "normal", "low"];
const STYLE_ID = "baton-kanban-style";

// One column of one lane. A component of its own so that each cell keeps its own v-memo cache
// (nested v-for loops share one) and re-renders only when its cards, state or pending set change.
const KanbanCell = {
  template: `
<div class="kanban-cell" role="list" :aria-label="col.label" :data-col="col.id" :data-testid="'kanban-col-' + col.id"
     :title="reason" :aria-dropeffect="state === 'target' ? 'move' : state ? 'none' : null"
     :data-hint="state === 'target' ? labels.drop_here : null" :data-empty="lanes ? null : labels.empty"
     :class="[state ? 'kanban-col--' + state : '', { 'kanban-cell--empty': !cards.length }]">
  <article v-for="c in cards" :key="c.id" v-memo="[c, pending[c.id], dragId === c.id, labels]"
           class="kanban-card" :class="['kanban-prio--' + c.priority, { 'kanban-card--dragged': dragId === c.id }]"
           role="listitem" tabindex="0" :aria-label="c.ref + ' ' + c.title" :data-card="c.id"
           :aria-busy="pending[c.id] ? 'true' : null" draggable="true">
    <span class="kanban-card__ref">{{ c.ref }}</span>
    <span class="kanban-chip kanban-chip--prio">{{ c.priority_label }}</span>
    <span v-if="c.flag" class="kanban-chip kanban-chip--flag">{{ c.flag }}</span>
    <span class="kanban-card__title">{{ c.title }}</span>
    <span v-if="c.tags && c.tags.length" class="kanban-card__tags">
      <span v-for="(t, i) in c.tags" :key="i" class="kanban-chip kanban-chip--tag">{{ t }}</span>
    </span>
    <span class="kanban-avatar" :class="{ 'kanban-avatar--none': !c.assignee }"
          :title="c.assignee || labels.unassigned">{{ c.assignee ? c.initials : '' }}</span>
    <span v-if="c.vendor" class="kanban-card__vendor">{{ c.vendor }}</span>
    <span class="kanban-card__days">{{ days[0] }}{{ c.days }}{{ days[1] }}</span>
  </article>
</div>`,
  props: { col: Object, cards: Array, labels: Object, state: String, reason: String, pending: Object, lanes: Boolean,
    dragId: String },
  computed: {
    days() { // "{n} d" → ["", " d"], split once per labels rather than once per card
      const parts = String(this.labels.days || "{n}").split("{n}");
      return [parts[0], parts.slice(1).join("")];
    },
  },
};

export default {
  components: { KanbanCell },
  template: `
<div class="kanban" role="region" :aria-label="labels.board"
     :class="{ 'kanban--lanes': !!laneBy, 'kanban--dragging': !!drag }"
     @dragstart="onDragStart" @dragover="onDragOver" @dragleave="onDragLeave" @drop="onDrop"
     @click="onClick" @keydown="onKeydown" @contextmenu="onContextMenu">
  <div class="kanban__inner">
    <div class="kanban__heads">
      <div v-for="group in groups" :key="group.key" class="kanban-group" :class="'kanban-group--' + group.category"
           role="group" :aria-label="group.label">
        <div class="kanban-group__head">
          <span class="kanban-group__label">{{ group.label }}</span>
          <span class="kanban-group__count">{{ fill(labels.group_columns, { n: group.columns.length }) }}</span>
        </div>
        <div class="kanban-group__cols">
          <div v-for="col in group.columns" :key="col.id" class="kanban-head" :data-col="col.id"
               :class="['kanban-cat--' + col.category, colClass(col.id), { 'kanban-head--over': overWip(col) }]"
               :title="overWip(col) ? fill(labels.over_wip, { n: board.counts[col.id], wip: col.wip }) : colTitle(col.id)">
            <span class="kanban-head__label">{{ col.label }}</span>
            <span class="kanban-head__count">{{ countText(col) }}</span>
          </div>
        </div>
      </div>
    </div>
    <div class="kanban__body">
      <div v-for="lane in board.lanes" :key="lane.key" class="kanban-lane"
           :role="laneBy ? 'group' : null" :aria-label="laneBy ? lane.label : null">
        <div v-if="laneBy" class="kanban-lane__head">
          <button type="button" class="kanban-lane__toggle" :aria-expanded="String(!collapsed[laneBy + ':' + lane.key])"
                  @click.stop="toggleLane(lane.key)">
            <span class="kanban-lane__chevron" aria-hidden="true"></span>
            <span class="kanban-lane__label">{{ lane.label }}</span>
            <span class="kanban-lane__total">{{ lane.total }}</span>
          </button>
        </div>
        <div v-if="laneBy && collapsed[laneBy + ':' + lane.key]" class="kanban-lane__counts">
          <span v-for="col in columns" :key="col.id" class="kanban-lane__count">{{ lane.cells[col.id].length }}</span>
        </div>
        <div v-else class="kanban-lane__cells">
          <kanban-cell v-for="col in columns" :key="col.id" :col="col" :cards="lane.cells[col.id]" :labels="labels"
                       :state="colState(col.id)" :reason="colTitle(col.id)" :pending="pending" :lanes="!!laneBy"
                       :drag-id="drag && drag.from === col.id ? drag.id : null" />
        </div>
      </div>
    </div>
  </div>
  <div v-if="menu" ref="menu" class="kanban-menu" role="menu" tabindex="-1" :aria-label="labels.move_to"
       :style="{ left: menu.x + 'px', top: menu.y + 'px' }" @keydown.stop="onMenuKey" @click.stop>
    <div class="kanban-menu__title" aria-hidden="true">{{ labels.move_to }}</div>
    <button v-for="item in menu.items" :key="item.id" type="button" role="menuitem" class="kanban-menu__item"
            :aria-label="item.label" :disabled="!!item.reason" :title="item.reason || null" @click="chooseMove(item.id)">
      <span>{{ item.label }}</span><small v-if="item.reason">{{ item.reason }}</small>
    </button>
    <div v-if="!menu.items.length" class="kanban-menu__none">{{ labels.not_allowed }}</div>
  </div>
</div>`,
  props: { columns: Array, cards: Array, labels: Object, categories: Object, lane_by: String, filter: Object },
  emits: ["move", "open", "refused"],
  data() {
    return { rev: 0, flt: this.filter || {}, laneBy: this.lane_by || null, pending: {}, drag: null, menu: null,
      collapsed: {} };
  },
  computed: {
    groups() { // runs of consecutive columns of one category, in column order, under one header
      const groups = [];
      for (const col of this.columns) {
        const last = groups[groups.length - 1];
        if (last && last.category === col.category) {
          last.columns.push(col);
        } else {
          const label = (this.categories || {})[col.category] || col.category;
          groups.push({ key: col.id, category: col.category, label, columns: [col] });
        }
      }
      return groups;
    },
    visible() {
      void this.rev; // the dependency on the card store (a plain Map, not reactive)
      const f = this.flt;
      const text = (f.text || "").toLowerCase();
      const out = [];
      for (const c of this.store.values()) {
        if (text && !(String(c.ref).toLowerCase().includes(text) || String(c.title).toLowerCase().includes(text))) continue;
        if (f.assignee && c.assignee_id !== f.assignee) continue;
        if (f.mine && c.assignee_id !== f.mine) continue;
        if (f.priority && c.priority !== f.priority) continue;
        if (f.vendor && c.vendor_id !== f.vendor) continue;
        if (f.tag && !(c.tags || []).includes(f.tag)) continue;
        out.push(c);
      }
      return out;
    },
    board() {
      const counts = {};
      for (const col of this.columns) counts[col.id] = 0;
      const lanes = new Map();
      const newLane = (key, label, rank) => {
        const cells = {};
        for (const col of this.columns) cells[col.id] = [];
        const lane = { key, label, rank, cells, total: 0 };
        lanes.set(key, lane);
        return lane;
      };
      if (!this.laneBy) newLane("", "", 0);
      for (const c of this.visible) {
        const col = this.pending[c.id] || c.state;
        if (!(col in counts)) continue;
        counts[col] += 1;
        const [key, label, rank] = this.laneOf(c);
        const lane = lanes.get(key) || newLane(key, label, rank);
        lane.cells[col].push(c);
        lane.total += 1;
      }
      const sorted = [...lanes.values()].sort((a, b) => a.rank - b.rank || a.label.localeCompare(b.label));
      return { lanes: sorted, counts };
    },
  },
  watch: {
    cards(value) {
      this.pending = {};
      this.load(value);
    },
    filter(value) {
      this.flt = value || {};
    },
    lane_by(value) {
      this.laneBy = value || null;
    },
  },
  created() {
    injectStyle();
    this.store = new Map();
    this.dragInfo = null;
    this.closeOnOutside = (e) => {
      if (this.menu && !(this.$refs.menu && this.$refs.menu.contains(e.target))) this.closeMenu(false);
    };
    this.load(this.cards);
  },
  unmounted() {
    document.removeEventListener("pointerdown", this.closeOnOutside, true);
  },
  methods: {
    // ---- called from Python (element.run_method)
    set_cards(cards) {
      this.pending = {};
      this.load(cards);
    },
    upsert_cards(cards) {
      let pending = null;
      for (const c of cards) {
        this.store.set(c.id, c);
        if (this.pending[c.id]) {
          pending = pending || { ...this.pending };
          delete pending[c.id];
        }
      }
      if (pending) this.pending = pending;
      this.rev += 1;
    },
    remove_cards(ids) {
      for (const id of ids) this.store.delete(id);
      this.snap_back(...ids);
      this.rev += 1;
    },
    set_filter(flt) {
      this.flt = flt || {};
    },
    set_lanes(laneBy) {
      this.laneBy = laneBy || null;
    },
    snap_back(...ids) {
      if (!ids.some((id) => this.pending[id])) return;
      const pending = { ...this.pending };
      for (const id of ids) delete pending[id];
      this.pending = pending;
    },
    // ---- rendering helpers
    load(cards) {
      this.store = new Map();
      for (const c of toRaw(cards) || []) this.store.set(c.id, toRaw(c));
      this.rev += 1;
    },
    laneOf(c) {
      const by = this.laneBy;
      if (by === "priority") {
        const rank = PRIORITIES.indexOf(c.priority);
        return rank < 0 ? ["", this.labels.lane_none, 99] : [c.priority, c.priority_label || c.priority, rank];
      }
      if (by === "assignee") {
        return c.assignee_id ? [c.assignee_id, c.assignee || c.assignee_id, 0] : ["", this.labels.unassigned, 1];
      }
      if (by === "vendor") return c.vendor_id ? [c.vendor_id, c.vendor || c.vendor_id, 0] : ["", this.labels.no_vendor, 1];
      return ["", "", 0];
    },
    fill,
    countText(col) {
      const n = this.board.counts[col.id];
      return col.wip == null ? String(n) : `${n} / ${col.wip}`;
    },
    overWip(col) {
      return col.wip != null && this.board.counts[col.id] > col.wip;
    },
    colState(colId) {
      const d = this.drag;
      if (!d) return "";
      if (colId === d.from) return "source";
      if (colId in d.blocked) return "blocked";
      return d.targets.has(colId) ? "target" : "dim";
    },
    colClass(colId) {
      const state = this.colState(colId);
      return state ? "kanban-col--" + state : "";
    },
    colTitle(colId) {
      const state = this.colState(colId);
      if (state === "blocked") return this.drag.blocked[colId];
      return state === "dim" ? this.labels.not_allowed : null;
    },
    toggleLane(key) {
      const k = this.laneBy + ":" + key;
      this.collapsed = { ...this.collapsed, [k]: !this.collapsed[k] };
    },
    // ---- moving
    canDrop(id, colId) {
      const c = this.store.get(id);
      if (!c || this.pending[id] || colId === c.state) return false;
      return (c.targets || []).includes(colId) && !(c.blocked && colId in c.blocked);
    },
    move(id, to) {
      const c = this.store.get(id);
      if (!c || !this.canDrop(id, to)) return;
      this.pending = { ...this.pending, [id]: to };
      this.$emit("move", { id, from: c.state, to, version: c.version });
    },
    onDragStart(e) {
      const el = cardOf(e.target);
      const c = el && this.store.get(el.dataset.card);
      if (!c) return;
      if (this.pending[c.id]) { // a card waiting for the server stays put
        e.preventDefault();
        return;
      }
      e.dataTransfer.effectAllowed = "move";
      e.dataTransfer.setData("text/plain", String(c.ref));
      this.closeMenu(false);
      // on the card itself: a card re-rendered elsewhere during the drag no longer bubbles to the board
      el.addEventListener("dragend", this.onDragEnd, { once: true });
      this.dragInfo = { id: c.id, from: c.state, over: null };
      this.drag = { id: c.id, from: c.state, targets: new Set(c.targets || []), blocked: { ...(c.blocked || {}) } };
    },
    onDragOver(e) {
      const info = this.dragInfo;
      if (!info) return; // not one of our cards (a file, text from elsewhere)
      info.over = colOf(e.target);
      if (info.over && this.canDrop(info.id, info.over)) {
        e.preventDefault();
        e.dataTransfer.dropEffect = "move";
      }
    },
    onDragLeave(e) {
      // relatedTarget is null both when leaving the window and when a refused drop ends the drag
      if (this.dragInfo && e.relatedTarget instanceof Node && !this.$el.contains(e.relatedTarget)) {
        this.dragInfo.over = null;
      }
    },
    onDrop(e) {
      const info = this.dragInfo;
      if (!info) return;
      e.preventDefault();
      this.dragInfo = null;
      this.drag = null;
      const to = colOf(e.target);
      if (to && this.canDrop(info.id, to)) this.move(info.id, to);
    },
    onDragEnd(e) {
      const info = this.dragInfo; // null once a drop was accepted
      this.dragInfo = null;
      this.drag = null;
      if (!info) return;
      let to = info.over;
      if (e.clientX || e.clientY) { // where the pointer let go, when the browser says so
        const hit = document.elementFromPoint(e.clientX, e.clientY);
        to = hit && this.$el.contains(hit) ? colOf(hit) : null;
      }
      if (to && to !== info.from) this.$emit("refused", { id: info.id, to });
    },
    // ---- opening, keyboard and the "move to" menu
    onClick(e) {
      const el = cardOf(e.target);
      if (el) this.$emit("open", { id: el.dataset.card });
    },
    onKeydown(e) {
      const el = e.target;
      if (!(el instanceof HTMLElement) || el.dataset.card === undefined) return; // only the focused card itself
      if (e.key === "Enter" || e.key === " ") {
        e.preventDefault();
        this.$emit("open", { id: el.dataset.card });
      } else if (e.key === "ContextMenu" || (e.shiftKey && e.key === "F10")) {
        e.preventDefault();
        this.openMenu(el, null);
      }
    },
    onContextMenu(e) {
      const el = cardOf(e.target);
      if (!el) return;
      e.preventDefault();
      this.openMenu(el, e.clientX || e.clientY ? { x: e.clientX, y: e.clientY } : null);
    },
    openMenu(el, at) {
      const c = this.store.get(el.dataset.card);
      if (!c || this.pending[c.id]) return;
      const blocked = c.blocked || {}; // shown disabled with the reason, whether or not also in targets
      const targets = new Set(c.targets || []);
      const items = this.columns.filter((col) => (targets.has(col.id) || col.id in blocked) && col.id !== c.state)
        .map((col) => ({ id: col.id, label: col.label, reason: blocked[col.id] || null }));
      const rect = el.getBoundingClientRect();
      const x = Math.max(0, Math.min(at ? at.x : rect.left + 8, window.innerWidth - 240));
      const y = Math.max(0, Math.min(at ? at.y : rect.bottom - 4, window.innerHeight - 40 - 36 * items.length));
      this.menu = { id: c.id, items, x, y };
      document.addEventListener("pointerdown", this.closeOnOutside, true);
      nextTick(() => {
        const first = this.$refs.menu && this.$refs.menu.querySelector("[role=menuitem]:not([disabled])");
        (first || this.$refs.menu)?.focus();
      });
    },
    closeMenu(refocus) {
      if (!this.menu) return;
      const id = this.menu.id;
      this.menu = null;
      document.removeEventListener("pointerdown", this.closeOnOutside, true);
      if (refocus) nextTick(() => this.focusCard(id));
    },
    chooseMove(to) {
      const id = this.menu && this.menu.id;
      this.closeMenu(true); // focus follows the card into its new column
      if (id) this.move(id, to);
    },
    onMenuKey(e) {
      const items = [...this.$refs.menu.querySelectorAll("[role=menuitem]:not([disabled])")];
      const i = items.indexOf(document.activeElement);
      if (e.key === "Escape" || e.key === "Tab") {
        e.preventDefault();
        this.closeMenu(true);
      } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        const step = e.key === "ArrowDown" ? 1 : -1;
        items[(i + step + items.length) % items.length]?.focus();
      } else if (e.key === "Home" || e.key === "End") {
        e.preventDefault();
        items[e.key === "Home" ? 0 : items.length - 1]?.focus();
      }
    },
    focusCard(id) {
      const el = [...this.$el.querySelectorAll("[data-card]")].find((node) => node.dataset.card === id);
      el?.focus();
    },
  },
};

function fill(text, values) {
  return String(text || "").replace(/\{(\w+)\}/g, (m, key) => (values[key] ?? m));
}

function cardOf(target) {
  return target instanceof Element ? target.closest("[data-card]") : null;
}

function colOf(target) {
  const el = target instanceof Element ? target.closest("[data-col]") : null;
  return el ? el.dataset.col : null;
}

function injectStyle() {
  if (document.getElementById(STYLE_ID)) return;
  const style = document.createElement("style");
  style.id = STYLE_ID;
  style.textContent = CSS;
  document.head.appendChild(style);
}

const CSS = `
.kanban {
  --kb-bg: #f1f3f6; --kb-col: #e6e9ef; --kb-card: #ffffff; --kb-text: #1d2330; --kb-muted: #5f6b7a;
  --kb-border: #d3d8e0; --kb-focus: #1565c0; --kb-target: #d7e8fb; --kb-target-line: #1976d2;
  --kb-warn: #fdecc8; --kb-warn-text: #8a4b00; --kb-tag: #e3e7ee; --kb-avatar: #cfd8e3; --kb-menu: #ffffff;
  --kb-cat-todo: #78909c; --kb-cat-in_progress: #1e88e5; --kb-cat-waiting: #f9a825; --kb-cat-done: #43a047;
  --kb-cat-cancelled: #9e9e9e; --kb-width: 260px; --kb-group: #dde2ea;
  position: relative; height: var(--kanban-height, calc(100vh - 160px)); overflow: auto;
  background: var(--kb-bg); color: var(--kb-text); font-size: 13px; line-height: 1.35; border-radius: 4px;
}
body.body--dark .kanban {
  --kb-bg: #16181d; --kb-col: #20242b; --kb-card: #2a2f38; --kb-text: #e4e7ec; --kb-muted: #9aa4b2;
  --kb-border: #3a404b; --kb-focus: #90caf9; --kb-target: #1f3550; --kb-target-line: #64b5f6;
  --kb-warn: #4a3514; --kb-warn-text: #ffcc80; --kb-tag: #39404b; --kb-avatar: #44505f; --kb-menu: #2a2f38;
  --kb-group: #2b3039;
}
.kanban__inner { display: flex; flex-direction: column; width: max-content; min-width: 100%; height: 100%; }
.kanban--lanes .kanban__inner { height: auto; min-height: 100%; }
.kanban__heads { display: flex; gap: 8px; padding: 8px 8px 0; position: sticky; top: 0; z-index: 2; background: var(--kb-bg); }
.kanban-group { display: flex; flex-direction: column; gap: 4px; }
.kanban-group__head {
  display: flex; align-items: baseline; gap: 8px; min-width: 0; padding: 3px 8px; border-radius: 4px;
  background: var(--kb-group); border-left: 4px solid var(--kb-group-color, var(--kb-cat-todo));
  font-size: 11px; font-weight: 700; letter-spacing: .04em; text-transform: uppercase;
}
.kanban-group__label { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.kanban-group__count {
  margin-left: auto; color: var(--kb-muted); font-weight: 500; text-transform: none; letter-spacing: 0; white-space: nowrap;
}
.kanban-group__cols { display: flex; gap: 8px; }
.kanban-group--todo { --kb-group-color: var(--kb-cat-todo); }
.kanban-group--in_progress { --kb-group-color: var(--kb-cat-in_progress); }
.kanban-group--waiting { --kb-group-color: var(--kb-cat-waiting); }
.kanban-group--done { --kb-group-color: var(--kb-cat-done); }
.kanban-group--cancelled { --kb-group-color: var(--kb-cat-cancelled); }
.kanban-head {
  width: var(--kb-width); display: flex; align-items: center; gap: 6px; padding: 6px 8px; background: var(--kb-col);
  border-top: 3px solid var(--kb-cat-todo); border-radius: 4px 4px 0 0; font-weight: 600;
}
.kanban-head__label { flex: 1; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.kanban-head__count { color: var(--kb-muted); font-variant-numeric: tabular-nums; font-weight: 500; }
.kanban-head--over { background: var(--kb-warn); }
.kanban-head--over .kanban-head__count { color: var(--kb-warn-text); font-weight: 700; }
.kanban-cat--todo { border-top-color: var(--kb-cat-todo); }
.kanban-cat--in_progress { border-top-color: var(--kb-cat-in_progress); }
.kanban-cat--waiting { border-top-color: var(--kb-cat-waiting); }
.kanban-cat--done { border-top-color: var(--kb-cat-done); }
.kanban-cat--cancelled { border-top-color: var(--kb-cat-cancelled); }
.kanban__body { flex: 1; min-height: 0; display: flex; flex-direction: column; padding: 0 8px 8px; }
.kanban-lane { display: flex; flex-direction: column; min-height: 0; }
.kanban:not(.kanban--lanes) .kanban-lane { flex: 1; }
.kanban-lane__cells { display: flex; gap: 8px; flex: 1; min-height: 0; }
.kanban-cell {
  position: relative; width: var(--kb-width); padding: 4px 6px 6px; background: var(--kb-col);
  display: flex; flex-direction: column; gap: 6px; min-height: 48px;
}
.kanban:not(.kanban--lanes) .kanban-cell { overflow-y: auto; border-radius: 0 0 4px 4px; content-visibility: auto; }
.kanban--lanes .kanban-lane + .kanban-lane { margin-top: 2px; }
.kanban-cell--empty::before { content: attr(data-empty); color: var(--kb-muted); font-style: italic; padding: 8px 2px; }
.kanban-col--target { background: var(--kb-target); box-shadow: inset 0 0 0 2px var(--kb-target-line); }
.kanban-cell.kanban-col--target::after {
  content: attr(data-hint); position: sticky; bottom: 0; margin-top: auto; text-align: center; padding: 6px;
  border: 2px dashed var(--kb-target-line); border-radius: 4px; color: var(--kb-target-line); pointer-events: none;
}
.kanban-col--dim, .kanban-col--blocked { opacity: .45; }
.kanban-col--blocked { cursor: not-allowed; filter: grayscale(1); }
.kanban-lane__head { position: sticky; left: 8px; width: fit-content; padding: 8px 0 4px; }
.kanban-lane__toggle {
  display: inline-flex; align-items: center; gap: 6px; border: 0; background: none; color: inherit;
  font: inherit; font-weight: 600; cursor: pointer; padding: 2px 4px; border-radius: 4px;
}
.kanban-lane__toggle:focus-visible { outline: 2px solid var(--kb-focus); }
.kanban-lane__chevron { width: 0; height: 0; border: 5px solid transparent; border-top-color: currentColor; margin-top: 4px; }
.kanban-lane__toggle[aria-expanded="false"] .kanban-lane__chevron { transform: rotate(-90deg); margin-top: 0; }
.kanban-lane__total, .kanban-lane__count { color: var(--kb-muted); font-weight: 500; font-variant-numeric: tabular-nums; }
.kanban-lane__counts { display: flex; gap: 8px; }
.kanban-lane__count { width: var(--kb-width); padding: 4px 8px; background: var(--kb-col); }
.kanban-card {
  display: grid; grid-template-columns: 20px minmax(0, 1fr) auto; align-items: center; column-gap: 6px; row-gap: 3px;
  background: var(--kb-card); border: 1px solid var(--kb-border); border-left: 3px solid var(--kb-prio);
  border-radius: 4px; padding: 6px 8px; cursor: grab; user-select: none; flex: none;
  content-visibility: auto; contain-intrinsic-size: auto 84px;
}
.kanban-card:focus-visible { outline: 2px solid var(--kb-focus); outline-offset: 1px; }
.kanban-card[aria-busy="true"] { opacity: .6; border-style: dashed; cursor: progress; }
.kanban-card--dragged { opacity: .4; }
.kanban-prio--urgent { --kb-prio: #d32f2f; }
.kanban-prio--high { --kb-prio: #ef6c00; }
.kanban-prio--normal { --kb-prio: #757575; }
.kanban-prio--low { --kb-prio: #78909c; }
.kanban-card__ref {
  grid-column: 1 / 3; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 11px; color: var(--kb-muted);
  overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
}
.kanban-card__title {
  grid-column: 1 / -1; overflow: hidden; display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical;
  overflow-wrap: anywhere;
}
.kanban-card__tags { grid-column: 1 / -1; display: flex; flex-wrap: wrap; gap: 3px; }
.kanban-card__vendor, .kanban-card__days { color: var(--kb-muted); font-size: 11px; }
.kanban-card__vendor { min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.kanban-card__days { grid-column: 3; font-variant-numeric: tabular-nums; white-space: nowrap; justify-self: end; }
.kanban-chip { display: inline-block; border-radius: 8px; padding: 0 6px; font-size: 11px; line-height: 16px; white-space: nowrap; }
.kanban-chip--prio { background: var(--kb-prio); color: #fff; }
.kanban-chip--flag { background: #c10015; color: #fff; margin-left: 4px; }
.kanban-chip--tag { background: var(--kb-tag); color: var(--kb-text); max-width: 100%; overflow: hidden; text-overflow: ellipsis; }
.kanban-avatar {
  width: 20px; height: 20px; border-radius: 50%; background: var(--kb-avatar); color: var(--kb-text);
  display: inline-flex; align-items: center; justify-content: center; font-size: 9px; font-weight: 700; flex: none;
}
.kanban-avatar--none { background: none; border: 1px dashed var(--kb-muted); }
.kanban-menu {
  position: fixed; z-index: 6000; min-width: 200px; max-width: 320px; padding: 4px 0; background: var(--kb-menu);
  color: var(--kb-text); border: 1px solid var(--kb-border); border-radius: 4px; box-shadow: 0 4px 16px rgba(0,0,0,.25);
}
.kanban-menu__title { padding: 4px 12px; font-size: 11px; color: var(--kb-muted); text-transform: uppercase; }
.kanban-menu__item {
  display: flex; flex-direction: column; align-items: flex-start; width: 100%; padding: 6px 12px; border: 0;
  background: none; color: inherit; font: inherit; text-align: left; cursor: pointer;
}
.kanban-menu__item:hover:not([disabled]), .kanban-menu__item:focus-visible { background: var(--kb-target); outline: none; }
.kanban-menu__item[disabled] { opacity: .55; cursor: not-allowed; }
.kanban-menu__item small { color: var(--kb-muted); }
.kanban-menu__none { padding: 6px 12px; color: var(--kb-muted); }
`;
